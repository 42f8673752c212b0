package org.backplane.vsync.multicast;

import org.backplane.vsync.transport.GroupMessage;

/** The multicast concern's messages: data and replies. */
public sealed interface MulticastMessage extends GroupMessage permits Data, Reply {
}
