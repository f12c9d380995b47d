using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace Tracker.SubsetCheck;

/// <summary>
/// Walks a method body's IL (ECMA-335 III) and yields every metadata token an instruction names:
/// call, callvirt, newobj, ldfld, ldsfld, stfld, ldtoken, box, newarr, castclass, isinst, calli
/// and the rest, with the instruction's IL offset so it can be mapped to a source line.
/// </summary>
internal static class IlTokenScanner
{
    private static readonly OperandType[] OneByte = new OperandType[256];
    private static readonly OperandType[] TwoByte = new OperandType[256];
    private static readonly bool[] OneByteKnown = new bool[256];
    private static readonly bool[] TwoByteKnown = new bool[256];

#pragma warning disable CA1810 // The table is built from System.Reflection.Emit.OpCodes, which is the authority on operand types.
    static IlTokenScanner()
#pragma warning restore CA1810
    {
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is not OpCode op)
            {
                continue;
            }

            ushort value = unchecked((ushort)op.Value);
            if (op.Size == 1)
            {
                OneByte[value & 0xFF] = op.OperandType;
                OneByteKnown[value & 0xFF] = true;
            }
            else
            {
                TwoByte[value & 0xFF] = op.OperandType;
                TwoByteKnown[value & 0xFF] = true;
            }
        }
    }

    /// <summary>The tokens in one method body.</summary>
    /// <param name="il">The body's IL bytes.</param>
    /// <returns>(IL offset of the instruction, the token's handle) for each token operand.</returns>
    /// <exception cref="BadImageFormatException">The IL is malformed.</exception>
    public static IEnumerable<(int Offset, EntityHandle Handle)> Tokens(BlobReader il)
    {
        var result = new List<(int, EntityHandle)>();
        while (il.RemainingBytes > 0)
        {
            int offset = il.Offset;
            byte first = il.ReadByte();
            OperandType operand;
            if (first == 0xFE)
            {
                byte second = il.ReadByte();
                if (!TwoByteKnown[second])
                {
                    throw new BadImageFormatException($"unknown IL opcode 0xFE{second:X2} at IL_{offset:X4}");
                }

                operand = TwoByte[second];
            }
            else
            {
                if (!OneByteKnown[first])
                {
                    throw new BadImageFormatException($"unknown IL opcode 0x{first:X2} at IL_{offset:X4}");
                }

                operand = OneByte[first];
            }

            switch (operand)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                case OperandType.ShortInlineI:
                case OperandType.ShortInlineVar:
                    il.Offset += 1;
                    break;
                case OperandType.InlineVar:
                    il.Offset += 2;
                    break;
                case OperandType.InlineBrTarget:
                case OperandType.InlineI:
                case OperandType.ShortInlineR:
                case OperandType.InlineString:
                    il.Offset += 4;
                    break;
                case OperandType.InlineI8:
                case OperandType.InlineR:
                    il.Offset += 8;
                    break;
                case OperandType.InlineSwitch:
                    int count = il.ReadInt32();
                    il.Offset += checked(count * 4);
                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineSig:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    int token = il.ReadInt32();
                    EntityHandle handle;
                    try
                    {
                        handle = MetadataTokens.EntityHandle(token);
                    }
                    catch (ArgumentException e)
                    {
                        throw new BadImageFormatException($"bad token 0x{token:X8} at IL_{offset:X4}", e);
                    }

                    result.Add((offset, handle));
                    break;
                default:
                    throw new BadImageFormatException($"unexpected IL operand type {operand} at IL_{offset:X4}");
            }
        }

        return result;
    }
}
