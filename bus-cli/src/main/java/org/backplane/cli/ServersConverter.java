package org.backplane.cli;

import org.backplane.client.ClientOptions;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Checks a {@code --servers} value ({@code host:port,...}) when the command line is parsed, so a
 * malformed address is a usage error (exit 2) rather than a failed connection.
 */
final class ServersConverter implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
        try {
            ClientOptions.parseServers(value);
            return value;
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
    }
}
