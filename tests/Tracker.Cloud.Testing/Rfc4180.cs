using System.Text;

namespace Tracker.Cloud.Testing;

/// <summary>A strict reader of RFC 4180 CSV, for tests of the exports: anything the RFC does not allow is an exception.</summary>
public static class Rfc4180
{
    /// <summary>
    /// Reads records (RFC 4180, section 2): each ends in CRLF; a quoted field may hold commas, CRLF and doubled quotes;
    /// a quote may not open mid-field; a bare LF or CR is refused; the text must end with a complete record.
    /// </summary>
    /// <param name="text">The CSV.</param>
    /// <returns>The records and their fields.</returns>
    /// <exception cref="InvalidDataException">The text breaks the RFC.</exception>
    public static List<List<string>> Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        List<List<string>> records = [];
        List<string> record = [];
        var field = new StringBuilder();
        bool quoted = false, wasQuoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                if (field.Length != 0 || wasQuoted)
                {
                    throw new InvalidDataException("a quote inside an unquoted field at " + i);
                }

                quoted = wasQuoted = true;
            }
            else if (c == ',')
            {
                record.Add(field.ToString());
                field.Clear();
                wasQuoted = false;
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                record.Add(field.ToString());
                field.Clear();
                wasQuoted = false;
                records.Add(record);
                record = [];
                i++;
            }
            else if (c is '\r' or '\n')
            {
                throw new InvalidDataException("a bare line break outside quotes at " + i);
            }
            else
            {
                if (wasQuoted)
                {
                    throw new InvalidDataException("text after a closing quote at " + i);
                }

                field.Append(c);
            }
        }

        if (quoted || record.Count > 0 || field.Length > 0)
        {
            throw new InvalidDataException("the text does not end with a complete CRLF record");
        }

        return records;
    }
}
