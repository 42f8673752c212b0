/**
 * The Backplane client wire protocol: frame records ({@link org.backplane.client.protocol.Frame}),
 * their byte layout ({@link org.backplane.client.protocol.FrameCodec}, documented byte by byte in
 * docs/PROTOCOL.md), error codes, and the Netty edge handlers (decoder, encoder, transport choice)
 * that the client and the server share. Decoding bad input raises only
 * {@link org.backplane.client.protocol.ProtocolException} (or yields a
 * {@link org.backplane.client.protocol.DecodeFailure} from the decoder), never anything else, and
 * never allocates beyond the frame limit (guarantee B8: every refusal says why).
 */
package org.backplane.client.protocol;
