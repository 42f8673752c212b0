package org.backplane.vsync.flush;

import org.backplane.vsync.transport.GroupMessage;

/** The flush concern's messages (PROTOCOL-NOTES §3.5 phases 1 to 3, and view catch-up). */
public sealed interface FlushMessage extends GroupMessage
        permits Prepare, PrepareOk, PrepareNack, Accept, AcceptOk, Commit, ViewQuery, ViewInfo {
}
