package org.backplane.history;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Thrown by {@link HistoryStore#append}, {@link HistoryStore#commit} and
 * {@link HistoryStore#importFrom} when the log cannot be written (disk full, I/O error). The
 * failed append left nothing behind: the topic's seq did not advance, the store stays
 * consistent and readable, and a later append succeeds once the cause is gone.
 */
public final class AppendFailedException extends UncheckedIOException {
  private static final long serialVersionUID = 1L;

  AppendFailedException(String message, IOException cause) {
    super(message, cause);
  }
}
