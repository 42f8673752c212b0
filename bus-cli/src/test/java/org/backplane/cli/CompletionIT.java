package org.backplane.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The script {@code bus completion} prints works in a real bash, for {@code bus} and {@code ./bus}. */
class CompletionIT {
    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void bashCompletesCommandsAndOptions() throws Exception {
        Cli.Result r = Cli.run("completion");
        assertEquals(0, r.exitCode(), r::toString);
        Path script = dir.resolve("bus_completion");
        Files.writeString(script, r.out());
        assertEquals("tail", complete(script, "./bus", "ta"));
        assertEquals("topics", complete(script, "bus", "to"));
        assertEquals("--from-start --from-seq", complete(script, "./bus", "tail", "/X", "--from"));
        assertEquals("--max-message-bytes --max-frame-bytes --max-connections --max-subscriptions-per-connection "
                + "--max-in-flight-per-connection", complete(script, "bus", "server", "--max"));
    }

    /** What bash's completion function offers for the last word. */
    private static String complete(Path script, String... words) throws Exception {
        String line = String.join(" ", words);
        String program = "source '" + script + "' 2>/dev/null; COMP_WORDS=(" + line + "); COMP_CWORD="
                + (words.length - 1) + "; COMP_LINE='" + line + "'; COMP_POINT=" + line.length()
                + "; complete -p " + words[0] + " >/dev/null || exit 3; _complete_" + "bus 2>/dev/null;"
                + " printf '%s\\n' \"${COMPREPLY[*]}\"";
        Process p = new ProcessBuilder("bash", "--norc", "-c", program).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
