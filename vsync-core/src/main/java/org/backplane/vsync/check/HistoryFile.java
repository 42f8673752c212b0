package org.backplane.vsync.check;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.MessageId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.View;

/**
 * A {@link HistoryRecorder} that appends each event as one line to a file, unbuffered: every
 * event is in the operating system's hands before the engine goes on (a send is recorded before
 * its message leaves), so the history of a process killed with {@code kill -9} is complete up to
 * the kill. Used by tests that run engines in separate processes; {@link #read(Path)} loads
 * files back for {@link HistoryChecker}. Thread-safe.
 */
public final class HistoryFile implements HistoryRecorder, AutoCloseable {

    private final FileOutputStream out;
    private final History buffer;
    private long seq;

    /** Creates (or appends to) {@code file}. */
    public HistoryFile(Path file) throws IOException {
        this.out = new FileOutputStream(file.toFile(), true);
        this.buffer = new History(System::currentTimeMillis);
    }

    private synchronized void write(Runnable record) {
        record.run();
        List<HistoryEvent> evs = buffer.events();
        HistoryEvent e = evs.get(evs.size() - 1);
        HistoryEvent stamped = new HistoryEvent(seq++, System.currentTimeMillis() * 1_000_000, e.group(), e.process(),
                e.kind(), e.view(), e.id(), e.ordering(), e.safe(), e.position(), e.hash(), e.other(), e.text());
        try {
            out.write((stamped.toLine() + "\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException ex) {
            throw new UncheckedIOException(ex);
        }
        buffer.clear();
    }

    @Override
    public void install(String group, MemberId self, View view) {
        write(() -> buffer.install(group, self, view));
    }

    @Override
    public void send(String group, MemberId self, MessageId id, Ordering ordering, boolean safe, long payloadHash) {
        write(() -> buffer.send(group, self, id, ordering, safe, payloadHash));
    }

    @Override
    public void deliver(String group, MemberId self, MessageId id, Ordering ordering, boolean safe, long position, long payloadHash) {
        write(() -> buffer.deliver(group, self, id, ordering, safe, position, payloadHash));
    }

    @Override
    public void leave(String group, MemberId self) {
        write(() -> buffer.leave(group, self));
    }

    @Override
    public void stopped(String group, MemberId self, String why) {
        write(() -> buffer.stopped(group, self, why));
    }

    @Override
    public void quorum(String group, MemberId self, boolean lost) {
        write(() -> buffer.quorum(group, self, lost));
    }

    @Override
    public void crash(MemberId self) {
        write(() -> buffer.crash(self));
    }

    @Override
    public void stateGiven(String group, MemberId self, MemberId joiner, long viewId, long digest) {
        write(() -> buffer.stateGiven(group, self, joiner, viewId, digest));
    }

    @Override
    public void stateSet(String group, MemberId self, long viewId, long digest) {
        write(() -> buffer.stateSet(group, self, viewId, digest));
    }

    /** Reads every complete line of the given files (a torn last line is skipped). */
    public static List<HistoryEvent> read(List<Path> files) throws IOException {
        List<HistoryEvent> all = new ArrayList<>();
        for (Path f : files) {
            for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                try {
                    all.add(HistoryEvent.parse(line));
                } catch (RuntimeException torn) {
                    // the process was killed mid-line
                }
            }
        }
        return all;
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
