package org.backplane.vsync.flush;

/**
 * The answer to a {@link ViewQuery}, or a notice to a process that talks from a view the group
 * has left behind: the commit that created the sender's current view. A process not in that
 * view's successor chain learns from it that it was excluded.
 *
 * @param group  the group
 * @param viewId the sender's current view
 * @param commit the commit that created it
 */
public record ViewInfo(String group, long viewId, Commit commit) implements FlushMessage {
}
