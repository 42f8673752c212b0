package org.backplane.vsync.sim;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

import org.backplane.vsync.api.Delivery;
import org.backplane.vsync.api.GroupListener;
import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.ViewChange;
import org.backplane.vsync.check.HistoryChecker;
import org.backplane.vsync.check.HistoryRecorder;

/**
 * The test application of the simulated schedules: its state is the digest of every message it
 * has applied (order-insensitive sum of {@link HistoryChecker#digestOf}), so the checker can
 * verify state transfer (V11). The state is padded to several chunks so transfers really stream.
 */
final class DigestApp implements GroupListener {

    private final String group;
    private final HistoryRecorder recorder;
    private final int paddingBytes;
    MemberId self;
    long digest;
    long applied;
    long viewId;
    boolean excluded;
    boolean left;
    final List<ViewChange> views = new ArrayList<>();

    DigestApp(String group, HistoryRecorder recorder, int paddingBytes) {
        this.group = group;
        this.recorder = recorder;
        this.paddingBytes = paddingBytes;
    }

    @Override
    public void onView(ViewChange change) {
        viewId = change.view().id();
        views.add(change);
    }

    @Override
    public void onDeliver(Delivery d) {
        digest += HistoryChecker.digestOf(d.id());
        applied++;
        if (d.wantsReply()) {
            d.reply(new byte[] {(byte) applied});
        }
    }

    @Override
    public void getState(OutputStream out) throws IOException {
        recorder.stateGiven(group, self, null, viewId, digest);
        DataOutputStream o = new DataOutputStream(out);
        // The state is as of this view: a joiner whose first donor failed gets it as of a later
        // view than the last it was told of (that view change is held until the state is set).
        o.writeLong(viewId);
        o.writeLong(digest);
        o.writeLong(applied);
        o.writeInt(paddingBytes);
        for (int i = 0; i < paddingBytes; i++) {
            o.write(i);
        }
        o.flush();
    }

    @Override
    public void setState(InputStream in) throws IOException {
        DataInputStream i = new DataInputStream(in);
        long asOfView = i.readLong();
        digest = i.readLong();
        applied = i.readLong();
        int pad = i.readInt();
        for (int k = 0; k < pad; k++) {
            if (i.read() != (k & 0xff)) {
                throw new IOException("state corrupted at padding byte " + k);
            }
        }
        recorder.stateSet(group, self, asOfView, digest);
    }

    @Override
    public void onExcluded() {
        excluded = true;
    }

    @Override
    public void onLeft() {
        left = true;
    }
}
