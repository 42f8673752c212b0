package org.backplane.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * A plain-text table: a header row and rows of cells, the first column left-aligned and the
 * others right-aligned (they hold numbers and times), two spaces between columns. Not thread-safe.
 */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final int columns;

    Table(String... header) {
        this.columns = header.length;
        rows.add(header);
    }

    /** Adds a row of exactly as many cells as the header. */
    void row(String... cells) {
        if (cells.length != columns) {
            throw new IllegalArgumentException("row has " + cells.length + " cells, the table " + columns);
        }
        rows.add(cells);
    }

    /** Prints header and rows, columns padded to their widest cell. */
    void print(PrintWriter out) {
        int[] width = new int[columns];
        for (String[] r : rows) {
            for (int i = 0; i < columns; i++) {
                width[i] = Math.max(width[i], r[i].length());
            }
        }
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            b.setLength(0);
            for (int i = 0; i < columns; i++) {
                if (i > 0) {
                    b.append("  ");
                }
                String pad = " ".repeat(width[i] - r[i].length());
                if (i == 0) {
                    b.append(r[i]).append(i == columns - 1 ? "" : pad);
                } else {
                    b.append(pad).append(r[i]);
                }
            }
            out.println(b);
        }
    }
}
