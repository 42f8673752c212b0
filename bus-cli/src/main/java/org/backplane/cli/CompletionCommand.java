package org.backplane.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * {@code bus completion}: prints the bash/zsh completion script picocli generates from the
 * command tree, for {@code source <(./bus completion)} (docs/cli.md).
 */
@Command(name = "completion", mixinStandardHelpOptions = true,
        description = {"Print a bash/zsh completion script for bus.",
                "Use: source <(bus completion)   (zsh: autoload -U +X bashcompinit && bashcompinit first)"})
final class CompletionCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.print(AutoComplete.bash("bus", spec.root().commandLine()));
        out.println();
        out.println("# Also when run as ./bus from a Backplane checkout.");
        out.println("complete -F _complete_bus -o default ./bus");
        return 0;
    }
}
