package org.backplane.cli;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every command has --help; --version works; {@code bus completion} prints a bash script for every command. */
class HelpAndCompletionTest {
    private static final List<String> COMMANDS = List.of("server", "post", "tail", "topics", "status", "demo", "bench",
            "completion");

    @Test
    void everyCommandHasHelp() {
        Cli.Result root = Cli.run("--help");
        assertEquals(0, root.exitCode(), root::toString);
        for (String command : COMMANDS) {
            assertTrue(root.out().contains("  " + command + " "), command + " listed\n" + root);
            Cli.Result r = Cli.run(command, "--help");
            assertEquals(0, r.exitCode(), r::toString);
            assertTrue(r.out().startsWith("Usage: bus " + command), r::toString);
            assertEquals("", r.err(), r::toString);
        }
        Cli.Result post = Cli.run("post", "-h");
        assertTrue(post.out().contains("--servers"), "client commands take --servers\n" + post);
        assertTrue(post.out().contains("BUS_SERVERS"), post::toString);
    }

    @Test
    void versionNamesTheRelease() {
        Cli.Result r = Cli.run("--version");
        assertEquals(0, r.exitCode(), r::toString);
        assertTrue(r.out().startsWith("bus " + org.backplane.server.BusServer.VERSION + " (Backplane)"), r::toString);
    }

    @Test
    void completionScriptCoversEveryCommandAndOption() {
        Cli.Result r = Cli.run("completion");
        assertEquals(0, r.exitCode(), r::toString);
        String script = r.out();
        assertTrue(script.startsWith("#!/usr/bin/env bash"), script.substring(0, 80));
        assertTrue(script.contains("complete -F _complete_bus"), "registers the completion function");
        for (String command : COMMANDS) {
            assertTrue(script.contains(command), command);
        }
        assertTrue(script.contains("--from-start") && script.contains("--max-in-flight-per-connection"), "options");
    }
}
