package org.backplane.vsync.state;

/**
 * A joiner asks its donor to start streaming the state as of view {@code viewId}.
 *
 * @param group  the group
 * @param viewId the view the state is taken at (the view that added the joiner, or a later one
 *               after a donor failure)
 */
public record StateRequest(String group, long viewId) implements StateMessage {
}
