package org.backplane.vsync.ordering;

import org.backplane.vsync.transport.GroupMessage;

/** The ordering concern's messages. */
public sealed interface OrderingMessage extends GroupMessage permits Order {
}
