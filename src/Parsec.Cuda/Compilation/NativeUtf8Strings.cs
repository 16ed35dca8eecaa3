using System.Runtime.InteropServices;

namespace Parsec.Cuda.Compilation;

/// <summary>NUL-terminated UTF-8 copies of strings in unmanaged memory, with an array of their addresses (a C <c>char**</c>).</summary>
internal sealed unsafe class NativeUtf8Strings : IDisposable
{
    private readonly nint[] _strings;
    private nint _array;

    public NativeUtf8Strings(IReadOnlyList<string> values)
    {
        _strings = new nint[values.Count];
        for (int i = 0; i < values.Count; i++) _strings[i] = Marshal.StringToCoTaskMemUTF8(values[i]);
        _array = Marshal.AllocCoTaskMem(Math.Max(1, values.Count) * sizeof(nint));
        for (int i = 0; i < values.Count; i++) ((nint*)_array)[i] = _strings[i];
    }

    public int Count => _strings.Length;
    public byte** Pointers => Count == 0 ? null : (byte**)_array;
    public byte* this[int index] => (byte*)_strings[index];

    public void Dispose()
    {
        foreach (nint s in _strings) Marshal.FreeCoTaskMem(s);
        Array.Clear(_strings);
        if (_array != 0) Marshal.FreeCoTaskMem(_array);
        _array = 0;
    }
}
