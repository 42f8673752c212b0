package org.backplane.client.protocol;

/**
 * What {@link FrameDecoder} passes up the pipeline instead of a frame it could not decode, so
 * the handler can answer with an ERROR frame that says why; {@code fatal} means the connection
 * must be closed after it (the decoder then ignores the rest of the stream).
 */
public record DecodeFailure(ErrorCode code, String message, boolean fatal) {}
