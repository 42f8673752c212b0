package org.backplane.vsync.stability;

import org.backplane.vsync.transport.GroupMessage;

/** The stability concern's messages. */
public sealed interface StabilityMessage extends GroupMessage permits Ack {
}
