package org.backplane.vsync.transport;

/**
 * A message of one group's protocol, carried inside a {@link LinkFrame}. Every concern's
 * messages (multicast, ordering, stability, flush, membership, state) implement it through
 * their own sealed interface. Records: immutable, usable from any thread.
 */
public interface GroupMessage {

    /** The group the message belongs to. */
    String group();

    /** The view the sender was in (0 when it has none yet, as for a join request). */
    long viewId();

    /** A rough size in bytes, for cutting frames; exactness does not matter. */
    default int approxBytes() {
        return 64;
    }
}
