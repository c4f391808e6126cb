package dev.riffle.state;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyGroupsTest
{
    @Test
    void sameKeyAlwaysGetsTheSameKeyGroupAndInstance()
    {
        for (int i = 0; i < 10_000; i++)
        {
            final String key = "key-" + i;
            final int kg = KeyGroups.assignToKeyGroup(key, 128);
            assertEquals(kg, KeyGroups.assignToKeyGroup(new String(key.toCharArray()), 128));
            assertEquals(kg, KeyGroups.computeKeyGroupForKeyHash(key.hashCode(), 128));
            assertTrue(kg >= 0 && kg < 128);
        }
    }

    @Test
    void enumKeysHashByNameSoTheyAreStableAcrossJvms()
    {
        assertEquals(KeyGroups.assignToKeyGroup("SECONDS", 128),
            KeyGroups.assignToKeyGroup(java.util.concurrent.TimeUnit.SECONDS, 128));
    }

    @Test
    void nullKeyIsRejectedWithAClearMessage()
    {
        final NullPointerException ex = assertThrows(NullPointerException.class, () -> KeyGroups.assignToKeyGroup(null, 128));
        assertTrue(ex.getMessage().contains("key selector returned null"));
    }

    @Test
    void operatorIndexAgreesWithKeyGroupRangesForEveryParallelism()
    {
        for (final int maxParallelism : new int[]{1, 7, 128, 1000})
        {
            for (int parallelism = 1; parallelism <= Math.min(maxParallelism, 16); parallelism++)
            {
                int covered = 0;
                for (int index = 0; index < parallelism; index++)
                {
                    final KeyGroupRange range = KeyGroups.rangeForOperator(maxParallelism, parallelism, index);
                    covered += range.size();
                    for (int kg = range.start(); kg <= range.end(); kg++)
                    {
                        assertEquals(index, KeyGroups.operatorIndexForKeyGroup(kg, maxParallelism, parallelism),
                            "kg " + kg + " max " + maxParallelism + " p " + parallelism);
                    }
                }
                assertEquals(maxParallelism, covered);
            }
        }
    }

    @Test
    void keysSpreadEvenlyOverKeyGroupsAndInstances()
    {
        final int maxParallelism = 128;
        final int parallelism = 4;
        final int[] perInstance = new int[parallelism];
        final int[] perGroup = new int[maxParallelism];
        final Random random = new Random(42);
        final int keys = 200_000;
        for (int i = 0; i < keys; i++)
        {
            final int kg = KeyGroups.assignToKeyGroup(random.nextLong(), maxParallelism);
            perGroup[kg]++;
            perInstance[KeyGroups.operatorIndexForKeyGroup(kg, maxParallelism, parallelism)]++;
        }
        for (final int n : perInstance)
        {
            assertEquals(keys / (double)parallelism, n, keys * 0.02, "instance share");
        }
        for (final int n : perGroup)
        {
            assertEquals(keys / (double)maxParallelism, n, keys / (double)maxParallelism * 0.15, "key group share");
        }
    }

    @Test
    void sequentialIntegerKeysAreScrambledByMurmur()
    {
        final int[] perInstance = new int[2];
        for (int i = 0; i < 1000; i++)
        {
            perInstance[KeyGroups.operatorIndexForKeyGroup(KeyGroups.assignToKeyGroup(i, 128), 128, 2)]++;
        }
        assertTrue(Math.abs(perInstance[0] - perInstance[1]) < 150, () -> perInstance[0] + " vs " + perInstance[1]);
    }
}
