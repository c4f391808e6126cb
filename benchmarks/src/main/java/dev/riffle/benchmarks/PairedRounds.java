package dev.riffle.benchmarks;

/**
 * Rounds of paired loops: in every round each kind of operation runs on two structures back to back,
 * the order alternating between rounds so that a drift within a round cancels over two, after some
 * warm-up rounds that are not kept. For harnesses that compare two structures on a machine that
 * drifts more than the difference between them ({@link StoreRatioHarness}, {@link StringRatioHarness}).
 */
final class PairedRounds
{
    /**
     * One structure's loops.
     */
    @FunctionalInterface
    interface Side
    {
        /**
         * @param operation which kind of operation, 0 to kinds - 1.
         * @param start     where in the key sequence this round starts.
         * @return a value that depends on every operation's result, so that none is optimised away.
         */
        long run(int operation, int start);
    }

    private PairedRounds()
    {
    }

    /**
     * @param kinds      kinds of operation.
     * @param rounds     rounds kept, at least 2.
     * @param warmUp     rounds run first and not kept.
     * @param operations operations per loop.
     * @return nanoseconds per operation, {@code [side][kind][round]}: side 0 is {@code first}, 1 {@code second}.
     */
    static double[][][] measure(final int kinds, final int rounds, final int warmUp, final int operations,
        final Side first, final Side second)
    {
        final double[][][] nanos = new double[2][kinds][rounds];
        long sink = 0;
        for (int round = -warmUp; round < rounds; round++)
        {
            final int start = (round + warmUp) * 7919;
            for (int kind = 0; kind < kinds; kind++)
            {
                for (int turn = 0; turn < 2; turn++)
                {
                    final int side = (turn == 0) == ((round & 1) == 0) ? 0 : 1;
                    final long t0 = System.nanoTime();
                    sink += (side == 0 ? first : second).run(kind, start);
                    final long elapsed = System.nanoTime() - t0;
                    if (round >= 0)
                    {
                        nanos[side][kind][round] = (double)elapsed / operations;
                    }
                }
            }
        }
        if (sink == Long.MIN_VALUE)
        {
            System.out.println("checksum " + sink);
        }
        return nanos;
    }

    /**
     * @return {@code numerator[i] / denominator[i]} for each round.
     */
    static double[] ratios(final double[] numerator, final double[] denominator)
    {
        final double[] ratios = new double[numerator.length];
        for (int i = 0; i < ratios.length; i++)
        {
            ratios[i] = numerator[i] / denominator[i];
        }
        return ratios;
    }
}
