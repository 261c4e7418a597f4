using System.Numerics;

namespace AudioGrains.Grains.Jobs;

/// <summary>One bit per chunk or segment of a pass: small enough to persist with every checkpoint (1 KB per 8,192 items).</summary>
public static class CompletionBitmap
{
    public static byte[] For(int count) => new byte[(count + 7) / 8];

    public static bool IsSet(byte[] bitmap, int index) => index >> 3 < bitmap.Length && (bitmap[index >> 3] & (1 << (index & 7))) != 0;

    public static void Set(byte[] bitmap, int index) => bitmap[index >> 3] |= (byte)(1 << (index & 7));

    public static int Count(byte[] bitmap)
    {
        var count = 0;
        foreach (var b in bitmap) count += BitOperations.PopCount(b);
        return count;
    }

    /// <summary>"0-3,7,9-12": the set bits as ranges, for logs.</summary>
    public static string Ranges(byte[] bitmap, int count)
    {
        var ranges = new List<string>();
        for (var i = 0; i < count; i++)
        {
            if (!IsSet(bitmap, i)) continue;
            var j = i;
            while (j + 1 < count && IsSet(bitmap, j + 1)) j++;
            ranges.Add(i == j ? $"{i}" : $"{i}-{j}");
            i = j;
        }
        return string.Join(",", ranges);
    }
}
