package org.backplane.vsync.state;

import org.backplane.vsync.transport.GroupMessage;

/** The state-transfer concern's messages. */
public sealed interface StateMessage extends GroupMessage permits StateRequest, StateChunk, StateAck {
}
