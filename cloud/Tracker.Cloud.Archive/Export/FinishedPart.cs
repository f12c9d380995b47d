namespace Tracker.Cloud.Archive.Export;

/// <summary>A complete part file and what it holds.</summary>
/// <param name="Content">The file's bytes.</param>
/// <param name="Rows">Rows in it.</param>
/// <param name="RowGroups">Row groups in it.</param>
/// <param name="FirstCarId">The car of its first row.</param>
/// <param name="LastCarId">The car of its last row.</param>
internal sealed record FinishedPart(ReadOnlyMemory<byte> Content, long Rows, int RowGroups, string FirstCarId, string LastCarId);
