using System.Text;

namespace AudioGrains.Media;

/// <summary>The last few kilobytes of a text stream (a child's stderr): enough to explain a failure, never unbounded.</summary>
internal sealed class TextTail(int capacity)
{
    private readonly StringBuilder _text = new();
    private readonly Lock _gate = new();

    public void Append(ReadOnlySpan<char> chars)
    {
        lock (_gate)
        {
            if (chars.Length >= capacity)
            {
                _text.Clear().Append(chars[^capacity..]);
                return;
            }
            _text.Append(chars);
            // Trim in halves so appends stay amortised O(1).
            if (_text.Length > 2 * capacity) _text.Remove(0, _text.Length - capacity);
        }
    }

    public override string ToString()
    {
        lock (_gate)
        {
            return _text.Length <= capacity ? _text.ToString() : _text.ToString(_text.Length - capacity, capacity);
        }
    }
}
