using System.Runtime.CompilerServices;

// The tests check that the 128-bit true-peak path computes exactly what the 256-bit path does.
[assembly: InternalsVisibleTo("AudioGrains.Dsp.Tests")]
