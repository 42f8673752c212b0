package org.backplane.history;

import net.openhft.posix.PosixAPI;

/**
 * Chronicle settings for a process that opens a history store (README "Start-up"), applied
 * once before Chronicle's classes initialise. Each is a system property that Chronicle reads
 * while it initialises, set only when the operator has not set it:
 * <ul>
 *   <li>{@code chronicle.analytics.disable=true}: Chronicle would otherwise try to send usage
 *       analytics (ARCHITECTURE.md "Practical notes"); now also when the JVM flag is missing.
 *   <li>{@code chronicle.announcer.disable=true}: no banner and no release-notes line in the
 *       server's log.
 *   <li>{@code chronicle.disk.monitor.disable=true}: no thread polling free disk space every
 *       second; the store checks free space itself before it writes (README "Full disk").
 * </ul>
 * And, unless {@code chronicle.posix.enable=true}: Chronicle's POSIX bindings are replaced by
 * their no-op variant. Loading them (jnr-ffi, generating native stubs) took about 200 ms of
 * CPU, a third of opening an empty store; Chronicle uses them only for {@code msync} under a
 * {@code SyncMode} other than NONE and for its pretoucher, neither of which the store uses: it
 * forces files to disk with {@code FileChannel.force} (README "Durability").
 */
final class ChronicleSetup {
  private static volatile boolean applied;

  private ChronicleSetup() {
  }

  /** Applies the settings once per JVM; any thread, before the first Chronicle queue is built. */
  static void apply() {
    if (applied) {
      return;
    }
    synchronized (ChronicleSetup.class) {
      if (applied) {
        return;
      }
      setIfAbsent("chronicle.analytics.disable", "true");
      setIfAbsent("chronicle.announcer.disable", "true");
      setIfAbsent("chronicle.disk.monitor.disable", "true");
      if (!Boolean.getBoolean("chronicle.posix.enable")) {
        PosixAPI.useNoOpPosixApi();
      }
      applied = true;
    }
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
