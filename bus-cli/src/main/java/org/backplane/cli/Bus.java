package org.backplane.cli;

/** Placeholder entry point until the picocli commands land (issue 2). */
public final class Bus {
    private Bus() {}

    public static void main(String[] args) {
        System.err.println("bus: not built yet");
        System.exit(1);
    }
}
