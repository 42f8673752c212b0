/**
 * The {@code bus} command line (picocli): {@link org.backplane.cli.Bus} is the entry point that
 * {@code ./bus} runs; one class per command ({@code ServerCommand}, {@code PostCommand},
 * {@code TailCommand}, {@code TopicsCommand}, {@code StatusCommand}, {@code DemoCommand},
 * {@code BenchCommand}, {@code CompletionCommand}), and the pieces they share: the connection
 * options and {@code $BUS_SERVERS} ({@code ClientConnection}), output formats ({@code Output}),
 * failures as one line and exit code 1 ({@code Failures}). Usage errors exit 2.
 * docs/cli.md is the user's reference.
 */
package org.backplane.cli;
