using System.Reflection;
using System.Reflection.Emit;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Tracker.SubsetCheck;

/// <summary>
/// Finds the pattern nanoFramework's interpreter gets wrong (DESIGN.md, "An interpreter defect"): a
/// value that may have been read from a reference-type array element (<c>ldelem.ref</c>,
/// <c>ldelem</c>, or through <c>ldelema</c>) compared with <c>ldnull</c> by <c>ceq</c> or
/// <c>cgt.un</c>, the value form of <c>x == null</c> / <c>x != null</c> / <c>x is null</c>. A
/// never-assigned slot of <c>new string[n]</c> holds a null the interpreter tags differently
/// from <c>ldnull</c>'s, so the value comparison says "not null"; the branch forms
/// (<c>brtrue</c>/<c>brfalse</c>, which <c>if (x != null)</c> compiles to in an optimised build,
/// and <c>??</c>) test the reference itself and are right.
/// </summary>
/// <remarks>
/// A forward data-flow pass over each method body (ECMA-335 III.1.7: the evaluation stack is
/// simulated per instruction, merged where control joins). "May come from an element" is carried
/// through the stack, locals and arguments (flow-insensitively: one store taints the slot), fields
/// of this assembly, return values and parameters of this assembly's methods (virtual and interface
/// methods as one family per name and arity), and out/ref parameters. Everything outside the
/// assembly is taken to return clean values. The passes repeat until nothing new is learnt; the
/// facts only grow, so this ends.
/// </remarks>
internal sealed class UnassignedSlotAnalysis
{
    private readonly PEReader _pe;
    private readonly MetadataReader _reader;
    private readonly Dictionary<MethodDefinitionHandle, Body> _bodies = [];
    private readonly HashSet<FieldDefinitionHandle> _taintedFields = [];
    private readonly HashSet<string> _taintedReturns = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool[]> _taintedParameters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool[]> _taintedOutParameters = new(StringComparer.Ordinal);
    private bool _changed;

    private UnassignedSlotAnalysis(PEReader pe, MetadataReader reader)
    {
        _pe = pe;
        _reader = reader;
    }

    /// <summary>One comparison found: the method, and the IL offset of its <c>ceq</c>/<c>cgt.un</c>.</summary>
    /// <param name="Method">The method that compares.</param>
    /// <param name="Offset">IL offset of the comparison.</param>
    /// <param name="Instruction">The comparison's mnemonic.</param>
    internal sealed record Finding(MethodDefinitionHandle Method, int Offset, string Instruction);

    /// <summary>Runs the analysis over every method body of the assembly.</summary>
    /// <param name="pe">The assembly's image.</param>
    /// <param name="reader">Its metadata.</param>
    /// <returns>Every value-form null comparison of a value that may come from an array element.</returns>
    /// <exception cref="BadImageFormatException">A method body is malformed.</exception>
    public static IReadOnlyList<Finding> Run(PEReader pe, MetadataReader reader)
    {
        var analysis = new UnassignedSlotAnalysis(pe, reader);
        analysis.Load();
        List<Finding> findings = [];
        for (int pass = 0; pass < 64; pass++)
        {
            analysis._changed = false;
            findings.Clear();
            foreach (Body body in analysis._bodies.Values)
            {
                analysis.Analyse(body, findings);
            }

            if (!analysis._changed)
            {
                break;
            }
        }

        return findings;
    }

    private void Load()
    {
        foreach (MethodDefinitionHandle handle in _reader.MethodDefinitions)
        {
            MethodDefinition method = _reader.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
            {
                continue;
            }

            MethodBodyBlock block = _pe.GetMethodBody(method.RelativeVirtualAddress);
            BlobReader signature = _reader.GetBlobReader(method.Signature);
            SignatureHeader header = signature.ReadSignatureHeader();
            int parameters = ReadCount(ref signature, header);
            bool returnsValue = !ReadsVoid(ref signature);
            bool hasThis = header.IsInstance;
            int locals = 0;
            if (!block.LocalSignature.IsNil)
            {
                BlobReader localBlob = _reader.GetBlobReader(_reader.GetStandaloneSignature(block.LocalSignature).Signature);
                localBlob.ReadSignatureHeader();
                locals = localBlob.ReadCompressedInteger();
            }

            _bodies[handle] = new Body(
                handle,
                FamilyKey(handle),
                IlInstruction.Decode(block.GetILReader()),
                [.. block.ExceptionRegions],
                (hasThis ? 1 : 0) + parameters,
                hasThis,
                returnsValue,
                locals);
        }
    }

    /// <summary>The key under which a method's facts are kept: the method itself, or its virtual family (name and arity).</summary>
    private string FamilyKey(MethodDefinitionHandle handle)
    {
        MethodDefinition method = _reader.GetMethodDefinition(handle);
        if ((method.Attributes & MethodAttributes.Virtual) == 0)
        {
            return "#" + MetadataTokens.GetRowNumber(handle).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        BlobReader signature = _reader.GetBlobReader(method.Signature);
        SignatureHeader header = signature.ReadSignatureHeader();
        int parameters = ReadCount(ref signature, header);
        return "virtual " + _reader.GetString(method.Name) + "/" + parameters.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    private static int ReadCount(ref BlobReader signature, SignatureHeader header)
    {
        if (header.IsGeneric)
        {
            signature.ReadCompressedInteger();
        }

        return signature.ReadCompressedInteger();
    }

    private static bool ReadsVoid(ref BlobReader signature)
    {
        // The return type follows the parameter count; custom modifiers may precede it.
        while (true)
        {
            SignatureTypeCode code = signature.ReadSignatureTypeCode();
            if (code is SignatureTypeCode.RequiredModifier or SignatureTypeCode.OptionalModifier)
            {
                signature.ReadTypeHandle();
                continue;
            }

            return code == SignatureTypeCode.Void;
        }
    }

    private void Analyse(Body body, List<Finding> findings)
    {
        // Locals and arguments are flow-insensitive: re-run the method until they settle; only the
        // last round's findings stand.
        for (int round = 0; round < 32; round++)
        {
            findings.RemoveAll(f => f.Method == body.Handle);
            body.SlotsChanged = false;
            Flow(body, findings);
            if (!body.SlotsChanged)
            {
                return;
            }
        }
    }

    private void Flow(Body body, List<Finding> findings)
    {
        IReadOnlyList<IlInstruction> code = body.Code;
        var indexByOffset = new Dictionary<int, int>(code.Count);
        for (int i = 0; i < code.Count; i++)
        {
            indexByOffset[code[i].Offset] = i;
        }

        var entry = new Value[]?[code.Count];
        var work = new Stack<int>();
        Enter(0, []);
        foreach (ExceptionRegion region in body.Regions)
        {
            Value[] handlerStack = region.Kind is ExceptionRegionKind.Catch or ExceptionRegionKind.Filter ? [default] : [];
            Enter(region.HandlerOffset, handlerStack);
            if (region.Kind == ExceptionRegionKind.Filter)
            {
                Enter(region.FilterOffset, [default]);
            }
        }

        var reported = new HashSet<int>();
        while (work.Count > 0)
        {
            int index = work.Pop();
            IlInstruction instruction = code[index];
            var stack = new List<Value>(entry[index]!);
            Step(body, instruction, stack, findings, reported);
            if (instruction.EmptiesStack)
            {
                stack.Clear();
            }

            Value[] after = [.. stack];
            foreach (int target in instruction.Targets)
            {
                Enter(target, after);
            }

            if (instruction.FallsThrough && index + 1 < code.Count)
            {
                Enter(code[index + 1].Offset, after);
            }
        }

        void Enter(int offset, Value[] stack)
        {
            if (!indexByOffset.TryGetValue(offset, out int at))
            {
                return;
            }

            Value[]? known = entry[at];
            if (known is null)
            {
                entry[at] = stack;
                work.Push(at);
                return;
            }

            if (known.Length != stack.Length)
            {
                // Unverifiable IL; keep the first shape.
                return;
            }

            bool grew = false;
            var merged = new Value[known.Length];
            for (int i = 0; i < known.Length; i++)
            {
                merged[i] = known[i].Merge(stack[i]);
                grew |= merged[i] != known[i];
            }

            if (grew)
            {
                entry[at] = merged;
                work.Push(at);
            }
        }
    }

    private void Step(Body body, IlInstruction ins, List<Value> stack, List<Finding> findings, HashSet<int> reported)
    {
        OpCode op = ins.OpCode;
        if (op == OpCodes.Ldnull)
        {
            stack.Add(Value.NullConstant);
        }
        else if (op == OpCodes.Ldelem_Ref || op == OpCodes.Ldelem)
        {
            Pop(stack, 2);
            stack.Add(Value.Element);
        }
        else if (op == OpCodes.Ldelema)
        {
            Pop(stack, 2);
            stack.Add(Value.Address(AddressKind.Element, 0));
        }
        else if (op == OpCodes.Ldind_Ref || op == OpCodes.Ldobj)
        {
            Value address = Pop(stack);
            stack.Add(Load(body, address));
        }
        else if (op == OpCodes.Stind_Ref || op == OpCodes.Stobj)
        {
            Value value = Pop(stack);
            Value address = Pop(stack);
            Store(body, address, value);
        }
        else if (IsLdloc(op))
        {
            stack.Add(body.Locals.Length > ins.Index && ins.Index >= 0 && body.Locals[ins.Index] ? Value.Element : default);
        }
        else if (op == OpCodes.Ldloca || op == OpCodes.Ldloca_S)
        {
            stack.Add(Value.Address(AddressKind.Local, ins.Index));
        }
        else if (IsStloc(op))
        {
            Value value = Pop(stack);
            Store(body, Value.Address(AddressKind.Local, ins.Index), value);
        }
        else if (IsLdarg(op))
        {
            // Carries the parameter's index too: when it is an out or ref parameter, a store
            // through it (stind) reaches the caller's variable.
            stack.Add(new Value(ArgumentTainted(body, ins.Index), false, AddressKind.Parameter, ins.Index));
        }
        else if (op == OpCodes.Ldarga || op == OpCodes.Ldarga_S)
        {
            stack.Add(Value.Address(AddressKind.Argument, ins.Index));
        }
        else if (op == OpCodes.Starg || op == OpCodes.Starg_S)
        {
            Value value = Pop(stack);
            Store(body, Value.Address(AddressKind.Argument, ins.Index), value);
        }
        else if (op == OpCodes.Ldfld || op == OpCodes.Ldsfld)
        {
            if (op == OpCodes.Ldfld)
            {
                Pop(stack);
            }

            stack.Add(FieldTainted(ins.Token) ? Value.Element : default);
        }
        else if (op == OpCodes.Ldflda || op == OpCodes.Ldsflda)
        {
            if (op == OpCodes.Ldflda)
            {
                Pop(stack);
            }

            stack.Add(ins.Token.Kind == HandleKind.FieldDefinition
                ? Value.Address(AddressKind.Field, MetadataTokens.GetRowNumber(ins.Token))
                : default);
        }
        else if (op == OpCodes.Stfld || op == OpCodes.Stsfld)
        {
            Value value = Pop(stack);
            if (op == OpCodes.Stfld)
            {
                Pop(stack);
            }

            if (value.Tainted && ins.Token.Kind == HandleKind.FieldDefinition)
            {
                _changed |= _taintedFields.Add((FieldDefinitionHandle)ins.Token);
            }
        }
        else if (op == OpCodes.Dup)
        {
            Value top = Pop(stack);
            stack.Add(top);
            stack.Add(top);
        }
        else if (op == OpCodes.Castclass || op == OpCodes.Isinst)
        {
            Value value = Pop(stack);
            stack.Add(value.Tainted ? Value.Element : default);
        }
        else if (op == OpCodes.Ceq || op == OpCodes.Cgt_Un)
        {
            Value right = Pop(stack);
            Value left = Pop(stack);
            bool hit = (left.Tainted && right.Null && !right.Tainted) || (right.Tainted && left.Null && !left.Tainted);
            if (hit && reported.Add(ins.Offset))
            {
                findings.Add(new Finding(body.Handle, ins.Offset, op.Name!));
            }

            stack.Add(default);
        }
        else if (op == OpCodes.Call || op == OpCodes.Callvirt || op == OpCodes.Newobj)
        {
            Call(body, ins, stack);
        }
        else if (op == OpCodes.Calli)
        {
            StandaloneSignature signature = _reader.GetStandaloneSignature((StandaloneSignatureHandle)ins.Token);
            BlobReader blob = _reader.GetBlobReader(signature.Signature);
            SignatureHeader header = blob.ReadSignatureHeader();
            int count = ReadCount(ref blob, header) + (header.IsInstance ? 1 : 0);
            bool returns = !ReadsVoid(ref blob);
            Pop(stack, count + 1);
            if (returns)
            {
                stack.Add(default);
            }
        }
        else if (op == OpCodes.Ret)
        {
            if (body.ReturnsValue)
            {
                Value value = Pop(stack);
                if (value.Tainted)
                {
                    _changed |= _taintedReturns.Add(body.Family);
                }
            }
        }
        else
        {
            int pops = ins.Pops;
            int pushes = ins.Pushes;
            Pop(stack, pops < 0 ? 0 : pops);
            for (int i = 0; i < pushes; i++)
            {
                stack.Add(default);
            }
        }
    }

    private void Call(Body body, IlInstruction ins, List<Value> stack)
    {
        bool newobj = ins.OpCode == OpCodes.Newobj;
        (int parameters, bool hasThis, bool returns, string? family) = Callee(ins.Token);
        int count = parameters + (hasThis && !newobj ? 1 : 0);
        var arguments = new Value[count];
        for (int i = count - 1; i >= 0; i--)
        {
            arguments[i] = Pop(stack);
        }

        if (family is not null)
        {
            // For newobj the constructor's argument 0 is the new object, which is clean.
            int shift = newobj ? 1 : 0;
            bool[] tainted = Parameters(_taintedParameters, family, count + shift);
            bool[] outs = Parameters(_taintedOutParameters, family, count + shift);
            for (int i = 0; i < count; i++)
            {
                if (arguments[i].Tainted && !tainted[i + shift])
                {
                    tainted[i + shift] = true;
                    _changed = true;
                }

                if (outs[i + shift] && arguments[i].Kind != AddressKind.None)
                {
                    Store(body, arguments[i], Value.Element);
                }
            }
        }

        if (newobj)
        {
            stack.Add(default);
        }
        else if (returns)
        {
            stack.Add(family is not null && _taintedReturns.Contains(family) ? Value.Element : default);
        }
    }

    /// <summary>The callee's parameter count, whether it has 'this', whether it returns a value, and its family key when it is in this assembly.</summary>
    private (int Parameters, bool HasThis, bool Returns, string? Family) Callee(EntityHandle token)
    {
        BlobHandle signatureHandle;
        string? family = null;
        switch (token.Kind)
        {
            case HandleKind.MethodDefinition:
                var definition = (MethodDefinitionHandle)token;
                signatureHandle = _reader.GetMethodDefinition(definition).Signature;
                family = FamilyKey(definition);
                break;
            case HandleKind.MemberReference:
                signatureHandle = _reader.GetMemberReference((MemberReferenceHandle)token).Signature;
                break;
            case HandleKind.MethodSpecification:
                MethodSpecification spec = _reader.GetMethodSpecification((MethodSpecificationHandle)token);
                return Callee(spec.Method) with { Family = null };
            default:
                throw new BadImageFormatException($"a call names a {token.Kind}");
        }

        BlobReader blob = _reader.GetBlobReader(signatureHandle);
        SignatureHeader header = blob.ReadSignatureHeader();
        int parameters = ReadCount(ref blob, header);
        bool returns = !ReadsVoid(ref blob);
        return (parameters, header.IsInstance, returns, family);
    }

    private bool[] Parameters(Dictionary<string, bool[]> table, string family, int count)
    {
        if (!table.TryGetValue(family, out bool[]? flags) || flags.Length < count)
        {
            bool[] grown = new bool[Math.Max(count, flags?.Length ?? 0)];
            flags?.CopyTo(grown, 0);
            table[family] = grown;
            flags = grown;
        }

        return flags;
    }

    private bool ArgumentTainted(Body body, int index)
    {
        if (index < 0)
        {
            return false;
        }

        if (index < body.Arguments.Length && body.Arguments[index])
        {
            return true;
        }

        return _taintedParameters.TryGetValue(body.Family, out bool[]? flags) && index < flags.Length && flags[index];
    }

    private bool OutTainted(Body body, int index) =>
        _taintedOutParameters.TryGetValue(body.Family, out bool[]? flags) && index >= 0 && index < flags.Length && flags[index];

    private bool FieldTainted(EntityHandle token) =>
        token.Kind == HandleKind.FieldDefinition && _taintedFields.Contains((FieldDefinitionHandle)token);

    private Value Load(Body body, Value address) => address.Kind switch
    {
        AddressKind.Element => Value.Element,
        AddressKind.Local => address.Slot < body.Locals.Length && body.Locals[address.Slot] ? Value.Element : default,
        AddressKind.Argument => ArgumentTainted(body, address.Slot) ? Value.Element : default,
        AddressKind.Parameter => ArgumentTainted(body, address.Slot) || OutTainted(body, address.Slot) ? Value.Element : default,
        AddressKind.Field => _taintedFields.Contains(MetadataTokens.FieldDefinitionHandle(address.Slot)) ? Value.Element : default,
        _ => default,
    };

    private void Store(Body body, Value address, Value value)
    {
        if (!value.Tainted)
        {
            return;
        }

        switch (address.Kind)
        {
            case AddressKind.Local when address.Slot >= 0 && address.Slot < body.Locals.Length && !body.Locals[address.Slot]:
                body.Locals[address.Slot] = true;
                body.SlotsChanged = true;
                break;
            case AddressKind.Argument when address.Slot >= 0 && address.Slot < body.Arguments.Length && !body.Arguments[address.Slot]:
                body.Arguments[address.Slot] = true;
                body.SlotsChanged = true;
                break;
            case AddressKind.Parameter when address.Slot >= 0 && address.Slot < body.Arguments.Length:
                // A store through an out or ref parameter reaches the caller's variable.
                bool[] outs = Parameters(_taintedOutParameters, body.Family, body.Arguments.Length);
                if (!outs[address.Slot])
                {
                    outs[address.Slot] = true;
                    _changed = true;
                }

                break;
            case AddressKind.Field:
                _changed |= _taintedFields.Add(MetadataTokens.FieldDefinitionHandle(address.Slot));
                break;
        }
    }

    private static Value Pop(List<Value> stack)
    {
        if (stack.Count == 0)
        {
            return default;
        }

        Value top = stack[^1];
        stack.RemoveAt(stack.Count - 1);
        return top;
    }

    private static void Pop(List<Value> stack, int count)
    {
        for (int i = 0; i < count; i++)
        {
            Pop(stack);
        }
    }

    private static bool IsLdloc(OpCode op) =>
        op == OpCodes.Ldloc || op == OpCodes.Ldloc_S || op == OpCodes.Ldloc_0 || op == OpCodes.Ldloc_1 || op == OpCodes.Ldloc_2 || op == OpCodes.Ldloc_3;

    private static bool IsStloc(OpCode op) =>
        op == OpCodes.Stloc || op == OpCodes.Stloc_S || op == OpCodes.Stloc_0 || op == OpCodes.Stloc_1 || op == OpCodes.Stloc_2 || op == OpCodes.Stloc_3;

    private static bool IsLdarg(OpCode op) =>
        op == OpCodes.Ldarg || op == OpCodes.Ldarg_S || op == OpCodes.Ldarg_0 || op == OpCodes.Ldarg_1 || op == OpCodes.Ldarg_2 || op == OpCodes.Ldarg_3;

    private enum AddressKind : byte
    {
        None,
        Element,
        Local,
        Argument,
        Parameter,
        Field,
    }

    /// <summary>
    /// What is known of one stack value: may it come from an element, is it <c>ldnull</c>, and what
    /// does it point at (an element, a local or argument slot, a field, or, for a value loaded from
    /// a parameter, what that parameter points at when it is out or ref).
    /// </summary>
    private readonly record struct Value(bool Tainted, bool Null, AddressKind Kind, int Slot)
    {
        public static Value Element => new(true, false, AddressKind.None, 0);

        public static Value NullConstant => new(false, true, AddressKind.None, 0);

        public static Value Address(AddressKind kind, int slot) => new(false, false, kind, slot);

        public Value Merge(Value other)
        {
            AddressKind kind = Kind == other.Kind && Slot == other.Slot ? Kind
                : Kind == AddressKind.Element || other.Kind == AddressKind.Element ? AddressKind.Element
                : AddressKind.None;
            return new Value(Tainted || other.Tainted, Null || other.Null, kind, kind == Kind ? Slot : other.Slot);
        }
    }

    /// <summary>A method body and what is known of its locals and arguments.</summary>
    private sealed class Body(
        MethodDefinitionHandle handle,
        string family,
        IReadOnlyList<IlInstruction> code,
        ExceptionRegion[] regions,
        int arguments,
        bool hasThis,
        bool returnsValue,
        int locals)
    {
        public MethodDefinitionHandle Handle { get; } = handle;

        public string Family { get; } = family;

        public IReadOnlyList<IlInstruction> Code { get; } = code;

        public ExceptionRegion[] Regions { get; } = regions;

        public bool HasThis { get; } = hasThis;

        public bool ReturnsValue { get; } = returnsValue;

        public bool[] Arguments { get; } = new bool[arguments];

        public bool[] Locals { get; } = new bool[locals];

        public bool SlotsChanged { get; set; }
    }
}
