package org.backplane.cli;

import org.backplane.server.ServerConfig;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/**
 * Converts option values such as {@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 7d}
 * or {@code PT30S} to a {@link Duration}: the same syntax as the server's config file
 * ({@link ServerConfig#parseDuration}). A bad value is a usage error (exit 2).
 */
final class Durations implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
        try {
            return ServerConfig.parseDuration(value, "duration");
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException("'" + value + "' is not a duration (e.g. 500ms, 30s, 10m, 2h, 7d)");
        }
    }
}
