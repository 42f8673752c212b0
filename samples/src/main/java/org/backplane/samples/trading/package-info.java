/**
 * The trading sample: the program a newcomer reads first. A {@link org.backplane.samples.trading.QuoteFeed}
 * publishes quotes on {@code /DEMO/QUOTES/<SYMBOL>} (keyed by symbol); an
 * {@link org.backplane.samples.trading.IndexCalculator} follows every quote topic with one
 * pattern subscription and publishes an index on {@code /DEMO/INDEX/TECH5}; a
 * {@link org.backplane.samples.trading.LateSubscriber} joins while the feed runs, replays the
 * history and continues live with no gap and no duplicate (GUARANTEES.md B1, B2).
 * {@link org.backplane.samples.trading.TradingSample} runs the three against any server
 * ({@code ./bus demo} runs it against an embedded one); {@link org.backplane.samples.trading.HelloBus}
 * is the README's fifteen-line client example.
 */
package org.backplane.samples.trading;
