using System.Collections.Immutable;
using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;

namespace Tracker.SubsetCheck;

/// <summary>
/// One decoded IL instruction (ECMA-335 III): where it is, its opcode, its token or local/argument
/// index, and where control can go next. The checker reads every metadata token a method body names
/// from these (call, callvirt, newobj, ldfld, ldtoken, box, newarr, castclass, isinst, calli...), and
/// the NFSUB004 data-flow pass runs over them. The operand table comes from
/// System.Reflection.Emit.OpCodes, the authority on operand types.
/// </summary>
/// <param name="Offset">IL offset of the instruction.</param>
/// <param name="Next">IL offset of the instruction after it.</param>
/// <param name="OpCode">The opcode.</param>
/// <param name="Token">The metadata token operand, or a nil handle.</param>
/// <param name="Index">The local or argument index for ldloc/stloc/ldarg/starg and their address forms, else -1.</param>
/// <param name="Targets">Branch targets (IL offsets), empty when the instruction does not branch.</param>
internal sealed record IlInstruction(int Offset, int Next, OpCode OpCode, EntityHandle Token, int Index, ImmutableArray<int> Targets)
{
    private static readonly Dictionary<ushort, OpCode> ByValue = BuildTable();

    /// <summary>True when control can reach the next instruction in sequence.</summary>
    public bool FallsThrough => OpCode.FlowControl is not (FlowControl.Branch or FlowControl.Return or FlowControl.Throw)
        && OpCode != OpCodes.Jmp;

    /// <summary>True for leave and leave.s, which empty the evaluation stack.</summary>
    public bool EmptiesStack => OpCode == OpCodes.Leave || OpCode == OpCodes.Leave_S || OpCode == OpCodes.Endfinally;

    /// <summary>Decodes a whole method body.</summary>
    /// <param name="il">The body's IL.</param>
    /// <returns>The instructions in order.</returns>
    /// <exception cref="BadImageFormatException">The IL is malformed.</exception>
    public static IReadOnlyList<IlInstruction> Decode(BlobReader il)
    {
        var result = new List<IlInstruction>();
        while (il.RemainingBytes > 0)
        {
            int offset = il.Offset;
            byte first = il.ReadByte();
            ushort value = first;
            if (first == 0xFE)
            {
                value = (ushort)(0xFE00 | il.ReadByte());
            }

            if (!ByValue.TryGetValue(value, out OpCode op))
            {
                throw new BadImageFormatException($"unknown IL opcode 0x{value:X} at IL_{offset:X4}");
            }

            EntityHandle token = default;
            int index = ImplicitIndex(op);
            ImmutableArray<int> targets = [];
            switch (op.OperandType)
            {
                case OperandType.InlineNone:
                    break;
                case OperandType.ShortInlineBrTarget:
                    sbyte shortDelta = il.ReadSByte();
                    targets = [il.Offset + shortDelta];
                    break;
                case OperandType.InlineBrTarget:
                    int delta = il.ReadInt32();
                    targets = [il.Offset + delta];
                    break;
                case OperandType.ShortInlineVar:
                    index = il.ReadByte();
                    break;
                case OperandType.InlineVar:
                    index = il.ReadUInt16();
                    break;
                case OperandType.ShortInlineI:
                    il.Offset += 1;
                    break;
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
                    if (count < 0 || count > il.RemainingBytes / 4)
                    {
                        throw new BadImageFormatException($"bad switch at IL_{offset:X4}");
                    }

                    int[] raw = new int[count];
                    for (int i = 0; i < count; i++)
                    {
                        raw[i] = il.ReadInt32();
                    }

                    targets = [.. raw.Select(d => il.Offset + d)];
                    break;
                case OperandType.InlineField:
                case OperandType.InlineMethod:
                case OperandType.InlineSig:
                case OperandType.InlineTok:
                case OperandType.InlineType:
                    int raw32 = il.ReadInt32();
                    try
                    {
                        token = MetadataTokens.EntityHandle(raw32);
                    }
                    catch (ArgumentException e)
                    {
                        throw new BadImageFormatException($"bad token 0x{raw32:X8} at IL_{offset:X4}", e);
                    }

                    break;
                default:
                    throw new BadImageFormatException($"unexpected IL operand type {op.OperandType} at IL_{offset:X4}");
            }

            result.Add(new IlInstruction(offset, il.Offset, op, token, index, targets));
        }

        return result;
    }

    /// <summary>Values the instruction pops, or -1 when it depends on a signature (calls, ret).</summary>
    public int Pops => OpCode.StackBehaviourPop switch
    {
        StackBehaviour.Pop0 => 0,
        StackBehaviour.Pop1 or StackBehaviour.Popi or StackBehaviour.Popref => 1,
        StackBehaviour.Pop1_pop1 or StackBehaviour.Popi_pop1 or StackBehaviour.Popi_popi or StackBehaviour.Popi_popi8
            or StackBehaviour.Popi_popr4 or StackBehaviour.Popi_popr8 or StackBehaviour.Popref_pop1 or StackBehaviour.Popref_popi => 2,
        StackBehaviour.Popi_popi_popi or StackBehaviour.Popref_popi_popi or StackBehaviour.Popref_popi_popi8
            or StackBehaviour.Popref_popi_popr4 or StackBehaviour.Popref_popi_popr8 or StackBehaviour.Popref_popi_popref
            or StackBehaviour.Popref_popi_pop1 => 3,
        _ => -1,
    };

    /// <summary>Values the instruction pushes, or -1 when it depends on a signature (calls).</summary>
    public int Pushes => OpCode.StackBehaviourPush switch
    {
        StackBehaviour.Push0 => 0,
        StackBehaviour.Push1 or StackBehaviour.Pushi or StackBehaviour.Pushi8 or StackBehaviour.Pushr4
            or StackBehaviour.Pushr8 or StackBehaviour.Pushref => 1,
        StackBehaviour.Push1_push1 => 2,
        _ => -1,
    };

    private static int ImplicitIndex(OpCode op)
    {
        if (op == OpCodes.Ldloc_0 || op == OpCodes.Stloc_0 || op == OpCodes.Ldarg_0)
        {
            return 0;
        }

        if (op == OpCodes.Ldloc_1 || op == OpCodes.Stloc_1 || op == OpCodes.Ldarg_1)
        {
            return 1;
        }

        if (op == OpCodes.Ldloc_2 || op == OpCodes.Stloc_2 || op == OpCodes.Ldarg_2)
        {
            return 2;
        }

        if (op == OpCodes.Ldloc_3 || op == OpCodes.Stloc_3 || op == OpCodes.Ldarg_3)
        {
            return 3;
        }

        return -1;
    }

    private static Dictionary<ushort, OpCode> BuildTable()
    {
        var table = new Dictionary<ushort, OpCode>();
        foreach (FieldInfo field in typeof(OpCodes).GetFields(BindingFlags.Public | BindingFlags.Static))
        {
            if (field.GetValue(null) is OpCode op)
            {
                table[unchecked((ushort)op.Value)] = op;
            }
        }

        return table;
    }
}
