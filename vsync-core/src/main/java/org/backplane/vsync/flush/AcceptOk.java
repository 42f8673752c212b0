package org.backplane.vsync.flush;

/**
 * A participant accepted the decision and holds every message of its cut.
 *
 * @param group  the group
 * @param viewId the view being closed
 * @param ballot the ballot accepted
 */
public record AcceptOk(String group, long viewId, Ballot ballot) implements FlushMessage {
}
