namespace AudioGrains.Dsp;

/// <summary>
/// The analog prototype of BS.1770 K-weighting (the parametrisation libebur128 uses): designing
/// from it at the actual rate gives the same curve at any sample rate and reproduces the ITU 48 kHz
/// table. Using that table at 16 kHz instead reads about 3 dB high at 1 kHz.
/// </summary>
public static class KWeightingPrototype
{
    public const double ShelfFrequency = 1681.974450955533;
    public const double ShelfGainDb = 3.999843853973347;
    public const double ShelfQ = 0.7071752369554196;
    public const double ShelfBandGainExponent = 0.4996667741545416;
    public const double HighPassFrequency = 38.13547087602444;
    public const double HighPassQ = 0.5003270373238773;
}
