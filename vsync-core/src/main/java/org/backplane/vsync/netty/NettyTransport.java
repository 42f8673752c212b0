package org.backplane.vsync.netty;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.codec.MessageToByteEncoder;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.transport.LinkFrame;
import org.backplane.vsync.transport.Transport;

/**
 * The TCP transport (ARCHITECTURE "transport"): Netty, native epoll where available, NIO
 * otherwise. Each process listens on one address and keeps one outbound connection to every
 * peer it knows of; a pair of processes thus talks over two connections, one per direction, each
 * FIFO. A connection starts with a hello naming the process (node and incarnation) and its
 * listening address; a process learns peers from its seeds and from the hellos of those that
 * connect to it. A lost connection is re-dialled with backoff; when its hello completes, the
 * engine is told the link is up and resends what the peer has not acknowledged. Frames sent while
 * no connection is up are dropped (the reliable links resend them).
 *
 * <p>Threads: Netty's event loops run the handlers; {@link Listener} callbacks come on them and
 * must hand off to the engine thread. {@link #send} may be called from any thread.
 */
public final class NettyTransport implements Transport, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(NettyTransport.class);

    /** What the transport reports; called on Netty event-loop threads. */
    public interface Listener {
        /** A frame arrived from {@code from}. */
        void onFrame(MemberId from, LinkFrame frame);

        /** The outbound connection to {@code peer} is established (first time or again). */
        void onLinkUp(MemberId peer);

        /** The outbound connection to {@code peer} was lost. */
        void onLinkDown(MemberId peer);
    }

    private static final byte HELLO = 0;
    private static final byte FRAME = 1;

    private record Hello(MemberId id, String host, int port, List<InetSocketAddress> known) {
    }

    private final String host;
    private final int port;
    private final int maxFrameBytes;
    private final Listener listener;
    private final EventLoopGroup group;
    private final Class<? extends ServerSocketChannel> serverClass;
    private final Class<? extends SocketChannel> clientClass;
    private final Set<InetSocketAddress> wanted = ConcurrentHashMap.newKeySet();
    private final Map<InetSocketAddress, Channel> dialled = new ConcurrentHashMap<>();
    private final Map<MemberId, Channel> outbound = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, MemberId> idAt = new ConcurrentHashMap<>();
    private final Set<Channel> accepted = ConcurrentHashMap.newKeySet();
    private volatile MemberId self;
    private volatile Channel server;
    private volatile boolean closed;

    /**
     * @param host          the address to listen on (and announce)
     * @param port          the port (0: any free port)
     * @param maxFrameBytes the largest encoded frame accepted
     * @param listener      where inbound frames and link events go
     */
    public NettyTransport(String host, int port, int maxFrameBytes, Listener listener) {
        this.host = host;
        this.port = port;
        this.maxFrameBytes = maxFrameBytes;
        this.listener = listener;
        boolean epoll = Epoll.isAvailable();
        this.group = new MultiThreadIoEventLoopGroup(2, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        this.serverClass = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        this.clientClass = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** Binds the listening socket as {@code self}; returns the bound address. */
    public InetSocketAddress start(MemberId self) throws InterruptedException {
        this.self = self;
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(serverClass)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_RCVBUF, 1 << 20)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        pipeline(ch, new InboundHandler());
                    }
                });
        server = b.bind(host, port).sync().channel();
        InetSocketAddress bound = (InetSocketAddress) server.localAddress();
        LOG.info("{} listening on {} ({})", self, bound, serverClass.getSimpleName());
        return bound;
    }

    /** The listening address. */
    public InetSocketAddress boundAddress() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Adds addresses to keep connections to (seeds). */
    public void connect(Collection<InetSocketAddress> addresses) {
        for (InetSocketAddress a : addresses) {
            if (!a.equals(boundAddress()) && wanted.add(a)) {
                dial(a, 0);
            }
        }
    }

    /** The peers an outbound connection is established to. */
    public List<MemberId> connectedPeers() {
        return new ArrayList<>(outbound.keySet());
    }

    /** Takes a new identity (a new incarnation): every connection is re-established with a new hello. */
    public void reincarnate(MemberId newSelf) {
        this.self = newSelf;
        // Close both directions: peers re-dial, and their hello exchange maps this address to the
        // new identity (else they would keep sending to the old incarnation).
        for (Channel c : new ArrayList<>(dialled.values())) {
            c.close();
        }
        for (Channel c : new ArrayList<>(accepted)) {
            c.close();
        }
    }

    @Override
    public void send(MemberId to, LinkFrame frame) {
        Channel c = outbound.get(to);
        if (c != null && c.isActive()) {
            c.writeAndFlush(frame, c.voidPromise());
        }
    }

    private void pipeline(SocketChannel ch, SimpleChannelInboundHandler<ByteBuf> handler) {
        ch.pipeline()
                // Frames are cut at about maxFrameBytes by estimate; allow twice that when decoding.
                .addLast(new LengthFieldBasedFrameDecoder(maxFrameBytes * 2 + 65_536, 0, 4, 0, 4))
                .addLast(new LengthFieldPrepender(4))
                .addLast(new FrameEncoder())
                .addLast(handler);
    }

    private void dial(InetSocketAddress a, long delayMs) {
        if (closed || !wanted.contains(a)) {
            return;
        }
        group.schedule(() -> {
            if (closed) {
                return;
            }
            Bootstrap b = new Bootstrap().group(group).channel(clientClass)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.SO_SNDBUF, 1 << 20)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2000)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            pipeline(ch, new OutboundHandler(a));
                        }
                    });
            ChannelFuture f = b.connect(a);
            f.addListener(done -> {
                if (!done.isSuccess()) {
                    dial(a, Math.min(1000, Math.max(50, delayMs * 2)));
                } else {
                    dialled.put(a, f.channel());
                    f.channel().closeFuture().addListener(x -> {
                        dialled.remove(a, f.channel());
                        dial(a, 100);
                    });
                }
            });
        }, delayMs, TimeUnit.MILLISECONDS);
    }

    /** Encodes hellos and frames, each behind a one-byte type. */
    private static final class FrameEncoder extends MessageToByteEncoder<Object> {
        @Override
        protected void encode(ChannelHandlerContext ctx, Object msg, ByteBuf out) {
            if (msg instanceof Hello h) {
                out.writeByte(HELLO);
                WireCodec.member(h.id(), out);
                WireCodec.string(h.host(), out);
                out.writeInt(h.port());
                out.writeInt(h.known().size());
                for (InetSocketAddress a : h.known()) {
                    WireCodec.string(a.getHostString(), out);
                    out.writeInt(a.getPort());
                }
            } else {
                out.writeByte(FRAME);
                WireCodec.encode((LinkFrame) msg, out);
            }
        }
    }

    private static Hello readHello(ByteBuf in) {
        if (in.readByte() != HELLO) {
            throw new IllegalArgumentException("expected a hello first");
        }
        MemberId id = WireCodec.member(in);
        String host = WireCodec.string(in);
        int port = in.readInt();
        int n = in.readInt();
        if (n < 0 || n > 10_000) {
            throw new IllegalArgumentException("bad address count " + n);
        }
        List<InetSocketAddress> known = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            known.add(InetSocketAddress.createUnresolved(WireCodec.string(in), in.readInt()));
        }
        return new Hello(id, host, port, known);
    }

    private Hello myHello() {
        InetSocketAddress b = boundAddress();
        return new Hello(self, b.getHostString(), b.getPort(), new ArrayList<>(wanted));
    }

    /** Dials every address a peer told us about (how members that share only a seed find each other). */
    private void learn(Hello h) {
        List<InetSocketAddress> all = new ArrayList<>(h.known());
        all.add(InetSocketAddress.createUnresolved(h.host(), h.port()));
        for (InetSocketAddress u : all) {
            InetSocketAddress a = new InetSocketAddress(u.getHostString(), u.getPort());
            if (!a.equals(boundAddress()) && wanted.add(a)) {
                dial(a, 0);
            }
        }
    }

    /** A connection another process dialled: hello in, hello back, then frames in. */
    private final class InboundHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private MemberId peer;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            accepted.add(ctx.channel());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            accepted.remove(ctx.channel());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
            try {
                if (peer == null) {
                    Hello h = readHello(in);
                    peer = h.id();
                    ctx.writeAndFlush(myHello());
                    learn(h);
                    return;
                }
                if (in.readByte() != FRAME) {
                    throw new IllegalArgumentException("expected a frame");
                }
                listener.onFrame(peer, WireCodec.decode(in));
            } catch (RuntimeException e) {
                LOG.warn("{} drops connection from {}: bad input ({})", self, peer, e.toString());
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.warn("{} inbound connection from {} failed: {}", self, peer, cause.toString());
            ctx.close();
        }
    }

    /** A connection this process dialled: hello out, hello in, then frames out (and nothing else in). */
    private final class OutboundHandler extends SimpleChannelInboundHandler<ByteBuf> {
        private final InetSocketAddress address;
        private MemberId peer;

        OutboundHandler(InetSocketAddress address) {
            this.address = address;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            ctx.writeAndFlush(myHello());
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, ByteBuf in) {
            try {
                if (peer != null) {
                    throw new IllegalArgumentException("unexpected data on an outbound connection");
                }
                Hello h = readHello(in);
                peer = h.id();
                learn(h);
                MemberId old = idAt.put(address, peer);
                if (old != null && !old.equals(peer)) {
                    outbound.remove(old);
                }
                outbound.put(peer, ctx.channel());
                LOG.debug("{} linked to {} at {}", self, peer, address);
                listener.onLinkUp(peer);
            } catch (RuntimeException e) {
                LOG.warn("{} drops connection to {}: bad input ({})", self, address, e.toString());
                ctx.close();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (peer != null) {
                outbound.remove(peer, ctx.channel());
                listener.onLinkDown(peer);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            LOG.debug("{} outbound connection to {} failed: {}", self, address, cause.toString());
            ctx.close();
        }
    }

    @Override
    public void close() {
        closed = true;
        if (server != null) {
            server.close();
        }
        for (Channel c : dialled.values()) {
            c.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
