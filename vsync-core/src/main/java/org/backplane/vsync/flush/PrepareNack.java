package org.backplane.vsync.flush;

/**
 * A participant refuses a ballot below the one it has promised.
 *
 * @param group    the group
 * @param viewId   the view being closed
 * @param promised the ballot it has promised
 */
public record PrepareNack(String group, long viewId, Ballot promised) implements FlushMessage {
}
