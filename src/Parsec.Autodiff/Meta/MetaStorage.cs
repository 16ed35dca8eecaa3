namespace Parsec.Autodiff.Meta;

/// <summary>A buffer of the shape-only backend: a length, a type and a category, but no elements.</summary>
internal sealed class MetaStorage : Storage
{
    private readonly MetaBackend _owner;

    internal MetaStorage(MetaBackend owner, long id, long length, DType dtype, BufferCategory category)
        : base(owner, length, dtype, category)
    {
        _owner = owner;
        Id = id;
    }

    /// <summary>Allocation number on its backend, so messages can tell buffers apart.</summary>
    public long Id { get; }

    public override string ToString() => $"meta buffer #{Id} ({DType}, {Length} elements, {Category})";

    protected override void Release() => _owner.OnRelease(this);
}
