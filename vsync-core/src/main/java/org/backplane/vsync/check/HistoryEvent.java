package org.backplane.vsync.check;

import java.util.ArrayList;
import java.util.List;

import org.backplane.vsync.api.MemberId;
import org.backplane.vsync.api.MessageId;
import org.backplane.vsync.api.Ordering;
import org.backplane.vsync.api.View;

/**
 * One recorded event (GUARANTEES.md "history"). One record type with the fields each kind uses;
 * the others are null or 0. {@link #toLine()} and {@link #parse(String)} give the one-line text
 * form {@link HistoryFile} writes.
 *
 * @param seq      global record number (the order events were recorded in one recorder)
 * @param timeNs   when (virtual time in simulation, wall clock elsewhere)
 * @param group    the group (null for a crash)
 * @param process  the process the event happened at
 * @param kind     what happened
 * @param view     INSTALL: the view
 * @param id       SEND, DELIVER: the message
 * @param ordering SEND, DELIVER: CBCAST or ABCAST
 * @param safe     SEND, DELIVER: whether uniform delivery was asked
 * @param position DELIVER: ABCAST position; STATE_*: the view id of the transfer
 * @param hash     SEND, DELIVER: payload hash; STATE_*: state digest
 * @param other    STATE_GIVEN: the joiner
 * @param text     STOPPED: why
 */
public record HistoryEvent(long seq, long timeNs, String group, MemberId process, Kind kind, View view, MessageId id,
                           Ordering ordering, boolean safe, long position, long hash, MemberId other, String text) {

    /** Event kinds. */
    public enum Kind {
        /** A view was installed. */
        INSTALL,
        /** A multicast was sent. */
        SEND,
        /** A multicast was delivered. */
        DELIVER,
        /** The process asked to leave. */
        LEAVE,
        /** The process left or found itself excluded and stopped. */
        STOPPED,
        /** The process lost the majority of its view: it stops delivering until it regains it or installs a view. */
        QUORUM_LOST,
        /** The process regained the majority of its view. */
        QUORUM_REGAINED,
        /** The process crashed. */
        CRASH,
        /** A donor handed its state. */
        STATE_GIVEN,
        /** A joiner set its state. */
        STATE_SET
    }

    /** One line of text, tab-separated, that {@link #parse(String)} reads back. */
    public String toLine() {
        return seq + "\t" + timeNs + "\t" + (group == null ? "-" : group) + "\t" + process + "\t" + kind + "\t"
                + (view == null ? "-" : view.id() + ":" + join(view.members())) + "\t"
                + (id == null ? "-" : id.sender() + ":" + id.viewId() + ":" + id.seq()) + "\t"
                + (ordering == null ? "-" : ordering) + "\t" + safe + "\t" + position + "\t" + hash + "\t"
                + (other == null ? "-" : other) + "\t" + (text == null ? "-" : text.replace('\t', ' ').replace('\n', ' '));
    }

    private static String join(List<MemberId> ms) {
        StringBuilder b = new StringBuilder();
        for (MemberId m : ms) {
            if (b.length() > 0) {
                b.append(',');
            }
            b.append(m);
        }
        return b.toString();
    }

    /** Reads a line written by {@link #toLine()}. */
    public static HistoryEvent parse(String line) {
        String[] f = line.split("\t", -1);
        if (f.length != 13) {
            throw new IllegalArgumentException("not a history line: " + line);
        }
        View view = null;
        if (!f[5].equals("-")) {
            int c = f[5].indexOf(':');
            List<MemberId> ms = new ArrayList<>();
            for (String m : f[5].substring(c + 1).split(",")) {
                ms.add(MemberId.parse(m));
            }
            view = new View(Long.parseLong(f[5].substring(0, c)), ms);
        }
        MessageId id = null;
        if (!f[6].equals("-")) {
            String[] p = f[6].split(":");
            id = new MessageId(MemberId.parse(p[0]), Long.parseLong(p[1]), Long.parseLong(p[2]));
        }
        return new HistoryEvent(Long.parseLong(f[0]), Long.parseLong(f[1]), f[2].equals("-") ? null : f[2],
                MemberId.parse(f[3]), Kind.valueOf(f[4]), view, id, f[7].equals("-") ? null : Ordering.valueOf(f[7]),
                Boolean.parseBoolean(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]),
                f[11].equals("-") ? null : MemberId.parse(f[11]), f[12].equals("-") ? null : f[12]);
    }

    @Override
    public String toString() {
        String t = String.format("%9.3fms %-10s %-9s", timeNs / 1e6, process, kind);
        return switch (kind) {
            case INSTALL -> t + " " + view;
            case SEND, DELIVER -> t + " " + ordering + (safe ? "/safe " : " ") + id
                    + (kind == Kind.DELIVER && position > 0 ? " @" + position : "");
            case STATE_GIVEN -> t + " to " + other + " for v" + position + " digest " + Long.toHexString(hash);
            case STATE_SET -> t + " for v" + position + " digest " + Long.toHexString(hash);
            case STOPPED -> t + " " + text;
            default -> t;
        };
    }
}
