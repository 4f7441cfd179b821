using XAnalytics.Events;
using XAnalytics.Pipeline;

namespace XAnalytics.Aggregates;

/// <summary>
/// Several aggregates computed in one pass over the events: each batch is folded into every part's partial.
/// Its partial can be written to a partial file when every part is an <see cref="IPartialAggregate{TPartial}"/>:
/// each part's state as a block of its own, after its name and version.
/// </summary>
public sealed class CombinedAggregate : IPartialAggregate<CombinedPartial>
{
    private readonly IAggregatePart[] _parts;

    /// <summary>Combines <paramref name="parts"/> (see <see cref="AggregatePart.Of{TPartial}"/>).</summary>
    public CombinedAggregate(params IReadOnlyList<IAggregatePart> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        _parts = [.. parts];
    }

    /// <inheritdoc/>
    public CombinedPartial CreatePartial()
    {
        var partials = new object[_parts.Length];
        for (int i = 0; i < _parts.Length; i++)
        {
            partials[i] = _parts[i].CreatePartial();
        }

        return new CombinedPartial(partials);
    }

    /// <inheritdoc/>
    public void Accumulate(CombinedPartial target, EventBatch batch)
    {
        ArgumentNullException.ThrowIfNull(target);
        for (int i = 0; i < _parts.Length; i++)
        {
            _parts[i].Accumulate(target.Partials[i] ?? throw UsedUp(), batch);
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="from"/> is used up: each part's partial is let go of as soon as it is merged, so what it held can
    /// be collected while the next parts merge, rather than the whole of <paramref name="from"/> living until the last.
    /// </remarks>
    public void Merge(CombinedPartial into, CombinedPartial from)
    {
        ArgumentNullException.ThrowIfNull(into);
        ArgumentNullException.ThrowIfNull(from);
        for (int i = 0; i < _parts.Length; i++)
        {
            _parts[i].Merge(into.Partials[i] ?? throw UsedUp(), from.Partials[i] ?? throw UsedUp());
            from.Partials[i] = null;
        }
    }

    /// <inheritdoc/>
    /// <remarks>
    /// <paramref name="result"/> is used up: each part's partial is let go of once that part has completed (its results
    /// are the part's now), so the state of the parts completed so far can be collected while the next ones complete.
    /// </remarks>
    public void Complete(CombinedPartial result)
    {
        ArgumentNullException.ThrowIfNull(result);
        for (int i = 0; i < _parts.Length; i++)
        {
            _parts[i].Complete(result.Partials[i] ?? throw UsedUp());
            result.Partials[i] = null;
        }
    }

    /// <inheritdoc/>
    /// <remarks><c>combined</c> and the parts' names: <c>combined(report.events-daily,report.weekly-activity,...)</c>.</remarks>
    public string StateName
    {
        get
        {
            var names = new string[_parts.Length];
            for (int i = 0; i < _parts.Length; i++)
            {
                names[i] = _parts[i] is IPartialAggregatePart p ? p.StateName : "?";
            }

            return $"combined({string.Join(',', names)})";
        }
    }

    /// <inheritdoc/>
    public int StateVersion => 1;

    /// <inheritdoc/>
    /// <exception cref="NotSupportedException">A part cannot write its partial (it is no <see cref="IPartialAggregate{TPartial}"/>).</exception>
    public void WritePartial(CombinedPartial state, PartialWriter writer)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteUInt((ulong)_parts.Length);
        for (int i = 0; i < _parts.Length; i++)
        {
            IPartialAggregatePart part = Persistable(i);
            writer.WriteString(part.StateName);
            writer.WriteUInt((ulong)part.StateVersion);
            object partState = state.Partials[i] ?? throw UsedUp();
            writer.WriteBlock(w => part.WritePartial(partState, w));
        }
    }

    /// <inheritdoc/>
    public CombinedPartial ReadPartial(PartialReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.ReadCount() != _parts.Length)
        {
            throw reader.Corrupt($"another number of parts than this merge's {_parts.Length}");
        }

        var partials = new object[_parts.Length];
        for (int i = 0; i < _parts.Length; i++)
        {
            IPartialAggregatePart part = Persistable(i);
            string name = reader.ReadString();
            int version = reader.ReadCount();
            if (name == part.StateName && version != part.StateVersion)
            {
                // Not damage: a build that lays this part out differently wrote it (docs/partial-format.md).
                throw new InvalidDataException(
                    $"Partial file {reader.Source} holds '{name}' version {version}, written by another version of xanalytics; this one reads version {part.StateVersion}. "
                    + "Make it again with this version (a --state folder: run with --rebuild).");
            }

            if (name != part.StateName)
            {
                throw reader.Corrupt($"part {i} is '{name}' version {version} where this merge has '{part.StateName}' version {part.StateVersion}");
            }

            PartialReader block = reader.ReadBlock();
            partials[i] = part.ReadPartial(block);
            if (!block.AtEnd)
            {
                throw block.Corrupt($"bytes left after the '{name}' state");
            }
        }

        return new CombinedPartial(partials);
    }

    private static InvalidOperationException UsedUp() => new("This combined partial was already merged into another or completed.");

    private IPartialAggregatePart Persistable(int i) => _parts[i] as IPartialAggregatePart
        ?? throw new NotSupportedException($"Part {i} of the combined aggregate ({_parts[i].GetType().Name}) cannot write its partial: it is no IPartialAggregate.");
}
