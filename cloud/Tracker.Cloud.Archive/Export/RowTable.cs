using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Tracker.Cloud.Archive.Export;

/// <summary>
/// A small table (a day's trips or stops: thousands of rows, not millions) written as one Parquet file in memory: each
/// column is a typed extractor over the rows, filled once, then written a row group at a time. The fixes, which are
/// millions a day, stream through <see cref="ParquetPartBuilder"/> instead.
/// </summary>
/// <typeparam name="TRow">The row.</typeparam>
internal sealed class RowTable<TRow>
{
    private readonly ParquetSchema _schema;
    private readonly List<IColumn> _columns = [];

    /// <summary>Starts a table of <paramref name="schema"/>; add its columns in schema order.</summary>
    public RowTable(ParquetSchema schema) => _schema = schema;

    private interface IColumn
    {
        void Fill(IReadOnlyList<TRow> rows);

        Task WriteAsync(ParquetRowGroupWriter group, int offset, int count, CancellationToken cancellationToken);
    }

    /// <summary>A required column of a value type.</summary>
    public RowTable<TRow> Add<T>(string name, Func<TRow, T> value)
        where T : struct
    {
        _columns.Add(new ValueColumn<T>(Field(name), value));
        return this;
    }

    /// <summary>An optional column of a value type.</summary>
    public RowTable<TRow> AddNullable<T>(string name, Func<TRow, T?> value)
        where T : struct
    {
        _columns.Add(new NullableColumn<T>(Field(name), value));
        return this;
    }

    /// <summary>A string column (required or optional, as the schema says).</summary>
    public RowTable<TRow> AddString(string name, Func<TRow, string?> value)
    {
        _columns.Add(new StringColumn(Field(name), value));
        return this;
    }

    /// <summary>Writes <paramref name="rows"/> as a complete Parquet file.</summary>
    /// <param name="rows">The rows, in file order (at least one).</param>
    /// <param name="options">Row group size and compression.</param>
    /// <param name="metadata">The file's key-value metadata.</param>
    /// <param name="cancellationToken">Cancels the encoding.</param>
    /// <returns>The file's bytes, and its row groups.</returns>
    public async Task<(byte[] Content, int RowGroups)> WriteAsync(IReadOnlyList<TRow> rows, ArchiveOptions options, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        if (_columns.Count != _schema.DataFields.Length)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"the table has {_columns.Count} columns, its schema {_schema.DataFields.Length}"));
        }

        ArgumentOutOfRangeException.ThrowIfZero(rows.Count);
        foreach (IColumn column in _columns)
        {
            column.Fill(rows);
        }

        var parquetOptions = new ParquetOptions
        {
            CompressionMethod = options.Compression == ArchiveCompression.Snappy ? CompressionMethod.Snappy : CompressionMethod.Zstd,
            CompressionLevel = System.IO.Compression.CompressionLevel.Optimal,
        };
        parquetOptions.ColumnEncodingHints[_schema.DataFields[0].Name] = EncodingHint.Dictionary;
        using var stream = new MemoryStream();
        int groups = 0;
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(_schema, stream, parquetOptions, append: false, cancellationToken).ConfigureAwait(false))
        {
            writer.CustomMetadata = metadata.ToDictionary();
            for (int offset = 0; offset < rows.Count; offset += options.RowGroupSize)
            {
                int count = Math.Min(options.RowGroupSize, rows.Count - offset);
                using ParquetRowGroupWriter group = writer.CreateRowGroup();
                foreach (IColumn column in _columns)
                {
                    await column.WriteAsync(group, offset, count, cancellationToken).ConfigureAwait(false);
                }

                group.CompleteValidate();
                groups++;
            }
        }

        return (stream.ToArray(), groups);
    }

    private DataField Field(string name)
    {
        DataField field = _schema.DataFields.FirstOrDefault(f => f.Name == name) ?? throw new ArgumentException($"no column '{name}' in the table", nameof(name));
        int index = Array.IndexOf(_schema.DataFields, field);
        return index == _columns.Count ? field : throw new ArgumentException($"column '{name}' is number {index} of the schema, not {_columns.Count}: add the columns in schema order", nameof(name));
    }

    private sealed class ValueColumn<T>(DataField dataField, Func<TRow, T> value) : IColumn
        where T : struct
    {
        private T[] _values = [];

        public void Fill(IReadOnlyList<TRow> rows) => _values = rows.Select(value).ToArray();

        public Task WriteAsync(ParquetRowGroupWriter group, int offset, int count, CancellationToken cancellationToken) =>
            group.WriteAsync<T>(dataField, _values.AsMemory(offset, count), cancellationToken: cancellationToken);
    }

    private sealed class NullableColumn<T>(DataField dataField, Func<TRow, T?> value) : IColumn
        where T : struct
    {
        private T?[] _values = [];

        public void Fill(IReadOnlyList<TRow> rows) => _values = rows.Select(value).ToArray();

        public Task WriteAsync(ParquetRowGroupWriter group, int offset, int count, CancellationToken cancellationToken) =>
            group.WriteAsync<T>(dataField, _values.AsMemory(offset, count), cancellationToken: cancellationToken);
    }

    private sealed class StringColumn(DataField dataField, Func<TRow, string?> value) : IColumn
    {
        private string?[] _values = [];

        public void Fill(IReadOnlyList<TRow> rows) => _values = rows.Select(value).ToArray();

        public Task WriteAsync(ParquetRowGroupWriter group, int offset, int count, CancellationToken cancellationToken) =>
            group.WriteAsync(dataField, new ArraySegment<string>(_values!, offset, count));
    }
}
