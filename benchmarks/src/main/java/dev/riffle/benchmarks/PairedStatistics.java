package dev.riffle.benchmarks;

import java.util.Arrays;

/**
 * Summaries of paired measurements (one value per pair: a cost, a ratio): median, range, and the mean
 * with its two-sided 95 % confidence interval from Student's t. For harnesses that measure two
 * configurations back to back, many times, because the machine drifts more than the difference
 * between them.
 */
final class PairedStatistics
{
    /** Two-sided 95 % quantiles of Student's t for 1 to 30 degrees of freedom (30 is used beyond). */
    private static final double[] T_975 = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};

    private PairedStatistics()
    {
    }

    /**
     * @param fractions at least two values, as fractions (0.12 for 12 %).
     * @return median, range, and mean with its 95 % interval, in percent.
     */
    static String percent(final double[] fractions)
    {
        final double[] s = stats(fractions);
        return String.format("median %+.1f %%, range %+.1f … %+.1f %%, mean %+.1f %% ± %.1f %% (95 %%, %d pairs)",
            100 * s[0], 100 * s[1], 100 * s[2], 100 * s[3], 100 * s[4], fractions.length);
    }

    /**
     * @param ratios at least two ratios.
     * @return median, range, and mean with its 95 % interval, as ratios.
     */
    static String ratio(final double[] ratios)
    {
        final double[] s = stats(ratios);
        return String.format("median %.2f×, range %.2f … %.2f×, mean %.2f× ± %.2f (95 %%, %d pairs)",
            s[0], s[1], s[2], s[3], s[4], ratios.length);
    }

    /**
     * @return median, minimum, maximum, mean, half-width of the mean's 95 % interval.
     * @throws IllegalArgumentException for fewer than two values.
     */
    static double[] stats(final double[] values)
    {
        final int n = values.length;
        if (n < 2)
        {
            throw new IllegalArgumentException("need at least two values, got " + n);
        }
        final double[] sorted = values.clone();
        Arrays.sort(sorted);
        final double median = (n & 1) == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        final double mean = Arrays.stream(values).average().orElseThrow();
        final double variance = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum() / (n - 1);
        final double t = T_975[Math.min(n - 1, T_975.length) - 1];
        return new double[]{median, sorted[0], sorted[n - 1], mean, t * Math.sqrt(variance / n)};
    }
}
