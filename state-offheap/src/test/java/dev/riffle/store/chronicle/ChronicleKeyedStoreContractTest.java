package dev.riffle.store.chronicle;

import dev.riffle.store.KeyedStore;
import dev.riffle.store.KeyedStoreContract;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store contract on Chronicle Map, and the analytics guard.
 */
class ChronicleKeyedStoreContractTest extends KeyedStoreContract
{
    @Override
    protected KeyedStore open(final Path workDirectory, final int firstKeyGroup, final int lastKeyGroup)
        throws IOException
    {
        return new ChronicleKeyedStore(workDirectory, firstKeyGroup, lastKeyGroup, 50_000);
    }

    @Override
    protected KeyedStore restore(final List<Path> manifests, final Path workDirectory, final int firstKeyGroup,
        final int lastKeyGroup) throws IOException
    {
        return ChronicleKeyedStore.restore(manifests, workDirectory, firstKeyGroup, lastKeyGroup, 50_000);
    }

    /**
     * Loads the class in a fresh JVM started without {@code -Dchronicle.analytics.disable}: its static
     * initializer must set the property before anything of Chronicle loads.
     */
    @Test
    void analyticsAreDisabledBeforeChronicleLoadsEvenWithoutTheFlag() throws Exception
    {
        final String java = ProcessHandle.current().info().command().orElse("java");
        final Process process = new ProcessBuilder(java, "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
            "-cp", System.getProperty("java.class.path"), AnalyticsProbe.class.getName())
            .redirectErrorStream(true)
            .start();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "probe JVM finished");
        final String output = new String(process.getInputStream().readAllBytes()).trim();
        assertEquals(0, process.exitValue(), output);
        assertTrue(output.endsWith("analytics-disable=true"), output);
        assertEquals("true", ChronicleKeyedStore.analyticsSetting(), "set in this JVM too");
    }

    /**
     * Entry point of the probe JVM.
     */
    public static final class AnalyticsProbe
    {
        /**
         * @param args unused.
         * @throws Exception if the class cannot load.
         */
        public static void main(final String[] args) throws Exception
        {
            if (null != System.getProperty("chronicle.analytics.disable"))
            {
                throw new IllegalStateException("probe must start without the property");
            }
            Class.forName(ChronicleKeyedStore.class.getName(), true, AnalyticsProbe.class.getClassLoader());
            System.out.println("analytics-disable=" + System.getProperty("chronicle.analytics.disable"));
        }
    }
}
