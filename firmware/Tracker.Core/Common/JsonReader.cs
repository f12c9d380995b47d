namespace Tracker.Core.Common
{
    /// <summary>
    /// A pull reader of JSON (RFC 8259) in UTF-8 bytes, for the small documents the cloud sends the
    /// car (the device shadow's delta, a job). Strict: one value, no trailing commas, no comments,
    /// numbers and escapes as the RFC writes them, no control characters in strings, valid UTF-8,
    /// a bounded depth. Never throws on bad bytes: <see cref="Next"/> returns
    /// <see cref="JsonToken.Error"/> and <see cref="Problem"/> says what and where. Allocates a string
    /// only for property names and values.
    /// </summary>
    public sealed class JsonReader
    {
        private readonly byte[] _data;
        private readonly int _end;
        private readonly bool[] _isObject;
        private int _pos;
        private int _depth;

        // What may come next: a value, a property name, a ',' or the closing bracket, or the end.
        private int _expect;
        private bool _afterComma;

        // True right after '[' or '{', where the closing bracket may come without a value.
        private bool _justOpened;

        private const int ExpectValue = 0;
        private const int ExpectName = 1;
        private const int ExpectSeparator = 2;
        private const int ExpectEnd = 3;

        /// <summary>Starts reading <paramref name="count"/> bytes of <paramref name="data"/> from <paramref name="offset"/>.</summary>
        /// <param name="data">The bytes.</param>
        /// <param name="offset">Index of the first byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <param name="maxDepth">Deepest nesting of objects and arrays accepted (1 to 64).</param>
        /// <exception cref="System.ArgumentNullException">data is null.</exception>
        /// <exception cref="System.ArgumentOutOfRangeException">The range or the depth is out of bounds.</exception>
        public JsonReader(byte[] data, int offset, int count, int maxDepth)
        {
            if (data == null)
            {
                throw new System.ArgumentNullException(nameof(data));
            }

            if (offset < 0 || count < 0 || offset > data.Length - count)
            {
                throw new System.ArgumentOutOfRangeException(nameof(count));
            }

            if (maxDepth < 1 || maxDepth > 64)
            {
                throw new System.ArgumentOutOfRangeException(nameof(maxDepth));
            }

            _data = data;
            _pos = offset;
            _end = offset + count;
            _isObject = new bool[maxDepth];
            _expect = ExpectValue;
            Text = string.Empty;
            Problem = string.Empty;
        }

        /// <summary>The current token's text: a property name, a string (unescaped), a number as written, or empty.</summary>
        public string Text { get; private set; }

        /// <summary>Nesting depth after the current token (0 at the top level).</summary>
        public int Depth
        {
            get { return _depth; }
        }

        /// <summary>After <see cref="JsonToken.Error"/>, what is wrong and at which byte offset; otherwise empty.</summary>
        public string Problem { get; private set; }

        /// <summary>Reads the next token.</summary>
        /// <returns>The token; <see cref="JsonToken.End"/> after the one value, <see cref="JsonToken.Error"/> (then always) on bad input.</returns>
        public JsonToken Next()
        {
            if (Problem.Length > 0)
            {
                return JsonToken.Error;
            }

            Text = string.Empty;
            SkipSpace();
            if (_pos >= _end)
            {
                return _expect == ExpectEnd ? JsonToken.End : Fail("the document ends early");
            }

            byte b = _data[_pos];
            if (_expect == ExpectEnd)
            {
                return Fail("only white space may follow the value");
            }

            if (_expect == ExpectSeparator)
            {
                bool inObject = _isObject[_depth - 1];
                if (b == ',')
                {
                    _pos++;
                    _expect = inObject ? ExpectName : ExpectValue;
                    _afterComma = true;
                    return Next();
                }

                if (b == (inObject ? '}' : ']'))
                {
                    return Close();
                }

                return Fail(inObject ? "expected ',' or '}'" : "expected ',' or ']'");
            }

            if (_expect == ExpectName)
            {
                if (b == '}' && !_afterComma)
                {
                    return Close();
                }

                if (b != '"')
                {
                    return Fail("expected a property name in double quotes");
                }

                string name;
                if (!ReadString(out name))
                {
                    return JsonToken.Error;
                }

                SkipSpace();
                if (_pos >= _end || _data[_pos] != ':')
                {
                    return Fail("expected ':' after the property name");
                }

                _pos++;
                Text = name;
                _expect = ExpectValue;
                _afterComma = false;
                return JsonToken.PropertyName;
            }

            // A value.
            if (b == ']' && _depth > 0 && !_isObject[_depth - 1] && !_afterComma && _justOpened)
            {
                return Close();
            }

            _afterComma = false;
            if (b == '{' || b == '[')
            {
                if (_depth == _isObject.Length)
                {
                    return Fail("nested deeper than " + _isObject.Length.ToString() + " levels");
                }

                _pos++;
                _isObject[_depth] = b == '{';
                _depth++;
                _expect = b == '{' ? ExpectName : ExpectValue;
                _justOpened = true;
                return b == '{' ? JsonToken.StartObject : JsonToken.StartArray;
            }

            _justOpened = false;
            if (b == '"')
            {
                string text;
                if (!ReadString(out text))
                {
                    return JsonToken.Error;
                }

                Text = text;
                AfterValue();
                return JsonToken.String;
            }

            if (b == '-' || (b >= '0' && b <= '9'))
            {
                return ReadNumber();
            }

            if (Literal("true"))
            {
                AfterValue();
                return JsonToken.True;
            }

            if (Literal("false"))
            {
                AfterValue();
                return JsonToken.False;
            }

            if (Literal("null"))
            {
                AfterValue();
                return JsonToken.Null;
            }

            return Fail("expected a value");
        }

        /// <summary>
        /// Skips the value whose first token was just read: after <see cref="JsonToken.StartObject"/> or
        /// <see cref="JsonToken.StartArray"/>, everything up to and including the matching end; after a
        /// scalar, nothing.
        /// </summary>
        /// <param name="first">The token just read.</param>
        /// <returns>False when the input is bad (then <see cref="Problem"/> says why).</returns>
        public bool SkipValue(JsonToken first)
        {
            if (first != JsonToken.StartObject && first != JsonToken.StartArray)
            {
                return first != JsonToken.Error && first != JsonToken.End && first != JsonToken.PropertyName;
            }

            int target = _depth - 1;
            while (true)
            {
                JsonToken t = Next();
                if (t == JsonToken.Error || t == JsonToken.End)
                {
                    return false;
                }

                if ((t == JsonToken.EndObject || t == JsonToken.EndArray) && _depth == target)
                {
                    return true;
                }
            }
        }

        private JsonToken Close()
        {
            _pos++;
            _depth--;
            bool wasObject = _isObject[_depth];
            _justOpened = false;
            AfterValue();
            return wasObject ? JsonToken.EndObject : JsonToken.EndArray;
        }

        private void AfterValue()
        {
            _expect = _depth == 0 ? ExpectEnd : ExpectSeparator;
        }

        private JsonToken Fail(string what)
        {
            Problem = what + " (byte " + _pos.ToString() + ")";
            Text = string.Empty;
            return JsonToken.Error;
        }

        private void SkipSpace()
        {
            while (_pos < _end)
            {
                byte b = _data[_pos];
                if (b != ' ' && b != '\t' && b != '\n' && b != '\r')
                {
                    return;
                }

                _pos++;
            }
        }

        private bool Literal(string word)
        {
            if (_end - _pos < word.Length)
            {
                return false;
            }

            for (int i = 0; i < word.Length; i++)
            {
                if (_data[_pos + i] != word[i])
                {
                    return false;
                }
            }

            _pos += word.Length;
            return true;
        }

        // number = [ "-" ] int [ frac ] [ exp ]; int = "0" / digit1-9 *digit (RFC 8259 §6).
        private JsonToken ReadNumber()
        {
            int start = _pos;
            if (_data[_pos] == '-')
            {
                _pos++;
            }

            if (_pos >= _end || !IsDigit(_data[_pos]))
            {
                return Fail("a number needs a digit after '-'");
            }

            if (_data[_pos] == '0')
            {
                _pos++;
            }
            else
            {
                SkipDigits();
            }

            if (_pos < _end && _data[_pos] == '.')
            {
                _pos++;
                if (_pos >= _end || !IsDigit(_data[_pos]))
                {
                    return Fail("a number needs a digit after '.'");
                }

                SkipDigits();
            }

            if (_pos < _end && (_data[_pos] == 'e' || _data[_pos] == 'E'))
            {
                _pos++;
                if (_pos < _end && (_data[_pos] == '+' || _data[_pos] == '-'))
                {
                    _pos++;
                }

                if (_pos >= _end || !IsDigit(_data[_pos]))
                {
                    return Fail("a number needs a digit in its exponent");
                }

                SkipDigits();
            }

            if (_pos - start > 40)
            {
                return Fail("a number longer than 40 characters");
            }

            char[] chars = new char[_pos - start];
            for (int i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)_data[start + i];
            }

            Text = new string(chars);
            AfterValue();
            return JsonToken.Number;
        }

        private void SkipDigits()
        {
            while (_pos < _end && IsDigit(_data[_pos]))
            {
                _pos++;
            }
        }

        private static bool IsDigit(byte b)
        {
            return b >= '0' && b <= '9';
        }

        // At the opening quote; on success, past the closing one.
        private bool ReadString(out string text)
        {
            text = string.Empty;
            _pos++;
            char[] chars = new char[16];
            int n = 0;
            while (true)
            {
                if (_pos >= _end)
                {
                    Fail("a string has no closing '\"'");
                    return false;
                }

                int b = _data[_pos];
                if (n + 2 > chars.Length)
                {
                    char[] bigger = new char[chars.Length * 2];
                    System.Array.Copy(chars, bigger, n);
                    chars = bigger;
                }

                if (b == '"')
                {
                    _pos++;
                    text = new string(chars, 0, n);
                    return true;
                }

                if (b < 0x20)
                {
                    Fail("a control character inside a string");
                    return false;
                }

                if (b == '\\')
                {
                    int c = Escape();
                    if (c < 0)
                    {
                        return false;
                    }

                    chars[n++] = (char)c;
                    continue;
                }

                if (b < 0x80)
                {
                    chars[n++] = (char)b;
                    _pos++;
                    continue;
                }

                int length;
                int scalar = Utf8.DecodeScalar(_data, _pos, _end, out length);
                if (scalar < 0)
                {
                    Fail("invalid UTF-8");
                    return false;
                }

                _pos += length;
                n = Utf8.AppendScalar(chars, n, scalar);
            }
        }

        // At '\'; returns the UTF-16 unit (a \u escape may be half of a pair, kept as written), or -1.
        private int Escape()
        {
            if (_pos + 1 >= _end)
            {
                Fail("a string ends inside an escape");
                return -1;
            }

            byte e = _data[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case (byte)'"':
                    return '"';
                case (byte)'\\':
                    return '\\';
                case (byte)'/':
                    return '/';
                case (byte)'b':
                    return '\b';
                case (byte)'f':
                    return '\f';
                case (byte)'n':
                    return '\n';
                case (byte)'r':
                    return '\r';
                case (byte)'t':
                    return '\t';
                case (byte)'u':
                    break;
                default:
                    _pos -= 2;
                    Fail("an unknown escape in a string");
                    return -1;
            }

            if (_end - _pos < 4)
            {
                Fail("a \\u escape needs four hex digits");
                return -1;
            }

            int value = 0;
            for (int i = 0; i < 4; i++)
            {
                int h = Hex(_data[_pos + i]);
                if (h < 0)
                {
                    Fail("a \\u escape needs four hex digits");
                    return -1;
                }

                value = (value << 4) | h;
            }

            _pos += 4;
            return value;
        }

        private static int Hex(byte b)
        {
            if (b >= '0' && b <= '9')
            {
                return b - '0';
            }

            if (b >= 'a' && b <= 'f')
            {
                return b - 'a' + 10;
            }

            if (b >= 'A' && b <= 'F')
            {
                return b - 'A' + 10;
            }

            return -1;
        }
    }
}
