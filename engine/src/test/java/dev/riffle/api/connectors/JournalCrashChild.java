package dev.riffle.api.connectors;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The process {@code JournaledIngressRecoveryTest} kills with SIGKILL: host threads offer
 * {@code "<thread>:<index>:<padding>"} into a journaled ingress without pause and print
 * {@code "<thread> <index>"} after every 64th offer returned. Nothing reads the journal. Exits by
 * itself after a minute if nobody kills it.
 */
public final class JournalCrashChild
{
    private JournalCrashChild()
    {
    }

    /**
     * @param args journal directory, number of host threads, segment size.
     * @throws Exception never expected.
     */
    public static void main(final String[] args) throws Exception
    {
        final JournaledIngress<String> ingress = new JournaledIngress<>(Path.of(args[0]), JournalTesting.STRINGS,
            JournalTesting.config(Integer.MAX_VALUE, Integer.parseInt(args[2])));
        final int threads = Integer.parseInt(args[1]);
        for (int t = 0; t < threads; t++)
        {
            final int id = t;
            final Thread thread = new Thread(() ->
            {
                final String padding = "q".repeat(id * 37);
                for (int i = 0; ; i++)
                {
                    if (!ingress.tryOffer(id + ":" + i + ":" + padding.substring(0, (i * 7) % (padding.length() + 1))))
                    {
                        throw new IllegalStateException("unbounded ingress refused a record");
                    }
                    if ((i & 63) == 63)
                    {
                        System.out.println(id + " " + i);
                    }
                }
            }, "host-" + t);
            thread.setDaemon(true);
            thread.start();
        }
        Thread.sleep(TimeUnit.MINUTES.toMillis(1));
        System.exit(3);
    }
}
