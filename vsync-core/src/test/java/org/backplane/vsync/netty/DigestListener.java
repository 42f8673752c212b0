package org.backplane.vsync.netty;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.function.Consumer;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.GroupListener;
import org.backplane.vsync.api.ViewChange;
import org.backplane.vsync.api.VsyncNode;
import org.backplane.vsync.check.HistoryChecker;
import org.backplane.vsync.check.HistoryRecorder;

/**
 * The TCP tests' application: its state is the digest of the messages it applied (as in the
 * simulation), so the checker verifies state transfer (V11); it answers every reply request,
 * pads its state to stream several chunks, and reports views and exclusion to a callback.
 * Called on the group's delivery thread.
 */
final class DigestListener implements GroupListener {

    private final String group;
    private final HistoryRecorder history;
    private final int paddingBytes;
    private final Consumer<String> report;
    volatile VsyncNode node;
    volatile long digest;
    volatile long applied;
    volatile long viewId;

    DigestListener(String group, HistoryRecorder history, int paddingBytes, Consumer<String> report) {
        this.group = group;
        this.history = history;
        this.paddingBytes = paddingBytes;
        this.report = report;
    }

    @Override
    public void onView(ViewChange c) {
        viewId = c.view().id();
        report.accept("VIEW " + c.view().id() + " " + c.view().size() + " " + node.self() + " " + c.view().members());
    }

    @Override
    public void onDeliver(Delivery d) {
        digest += HistoryChecker.digestOf(d.id());
        applied++;
        if (d.wantsReply()) {
            d.reply(new byte[] {1});
        }
    }

    @Override
    public void getState(OutputStream out) throws IOException {
        history.stateGiven(group, node.self(), null, viewId, digest);
        DataOutputStream o = new DataOutputStream(out);
        o.writeLong(viewId); // the state is as of this view (a joiner may not have seen it yet)
        o.writeLong(digest);
        o.writeLong(applied);
        o.write(new byte[paddingBytes]);
        o.flush();
    }

    @Override
    public void setState(InputStream in) throws IOException {
        DataInputStream i = new DataInputStream(in);
        long asOfView = i.readLong();
        digest = i.readLong();
        applied = i.readLong();
        i.readFully(new byte[paddingBytes]);
        history.stateSet(group, node.self(), asOfView, digest);
    }

    @Override
    public void onExcluded() {
        report.accept("EXCLUDED " + node.self());
    }
}
