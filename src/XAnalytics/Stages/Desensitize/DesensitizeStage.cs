using System.Text;
using System.Text.Json;
using System.Threading.Tasks.Dataflow;
using XAnalytics.Events;
using XAnalytics.Formats.Json;
using XAnalytics.Pipeline;

namespace XAnalytics.Stages.Desensitize;

/// <summary>
/// Removes what analytics does not need and replaces learner identifiers with pseudonyms: the profile's fields,
/// the keys of <see cref="IdentifierFields"/> at any depth (usernames such as <c>username</c>, <c>student</c>,
/// <c>target_username</c>; user ids such as <c>event.user_id</c>, pseudonymized as <c>id:</c> and the id; secrets
/// such as passwords and e-mails, removed), and identifiers in URLs on edX's routes (<c>/u/NAME</c>,
/// <c>/api/user/v1/accounts/NAME</c>, <c>/submission_history/NAME/</c>, <c>?username=NAME</c>...; see
/// <see cref="PiiText.ReplaceUrlUsernames"/>) in any string value.
/// </summary>
/// <remarks>
/// <para>It needs no <see cref="DecodeBrowserEventStage"/> before it: a top-level <c>event</c> that is a JSON-encoded
/// string is decoded here (and written back as the object, as that stage would write it), so its fields are
/// handled, and the output is the same byte for byte (a test holds the two pipelines to that). The
/// <c>desensitize</c> command relies on it and reads each browser event's payload once less. A string that does not
/// decode is nulled when it mentions <c>username</c> or a removed <c>event</c> field (and always in the strict
/// profile), else kept (and scrubbed as free text in the strict profile).</para>
/// <para>Each event is rewritten in one <see cref="Utf8JsonReader"/> pass into a per-thread buffer, unchanged
/// parts copied as bytes; it replaces the event only when something changed. Keyed pseudonyms run on all
/// threads; sequential ones on one thread, in input order (<see cref="IEventStage.RequiresInputOrder"/>),
/// which is what makes them deterministic.</para>
/// <para>Facts counted: <c>pseudonymized</c> (usernames replaced), <c>dropped</c> (fields removed),
/// <c>scrubbed</c> (strings with e-mails or phone numbers), <c>decoded</c>, <c>undecodable</c> (non-empty string
/// events that do not decode, whether nulled or kept, as <see cref="DecodeBrowserEventStage.UndecodableFact"/>
/// counts them) and <c>event-nulled</c>.</para>
/// </remarks>
public static partial class DesensitizeStage
{
    /// <summary>The stage's name in counters.</summary>
    public const string Name = "desensitize";

    /// <summary>The stage, for <see cref="EventPipeline"/>. Validates the options now.</summary>
    /// <exception cref="ArgumentException">Keyed pseudonyms without a key; a bad field path.</exception>
    public static IEventStage Create(DesensitizeOptions options)
    {
        Plan plan = Compile(options);
        return new FactoryStage(Name, plan.Options.Pseudonyms == PseudonymScheme.Sequential, context => CreateBlock(context, plan));
    }

    /// <summary>The stage's block for one run.</summary>
    /// <exception cref="InvalidOperationException">Sequential pseudonyms in a run that does not keep input order.</exception>
    public static IPropagatorBlock<EventBatch, EventBatch> CreateBlock(StageContext context, DesensitizeOptions options)
        => CreateBlock(context, Compile(options));

    private static TransformBlock<EventBatch, EventBatch> CreateBlock(StageContext context, Plan plan)
    {
        ArgumentNullException.ThrowIfNull(context);
        StageCounters counters = context.Counters.ForStage(Name);
        if (plan.Options.Pseudonyms == PseudonymScheme.Sequential)
        {
            if (!context.Ordered)
            {
                throw new InvalidOperationException(
                    "Sequential pseudonyms need a run that keeps input order: add the stage through DesensitizeStage.Create, which asks for it.");
            }

            // One worker, batches in arrival order: with an ordered run that is input order, so the n-th new
            // username is the same one whatever the thread count. The names belong to this run only.
            var names = new SequentialNames();
            var options = context.ParallelBlockOptions(maxDegreeOfParallelism: 1);
            options.EnsureOrdered = true;
            return new TransformBlock<EventBatch, EventBatch>(batch => Process(batch, counters, plan, names), options);
        }

        var keyed = new KeyedNames(plan.Options.Key!);
        return new TransformBlock<EventBatch, EventBatch>(batch => Process(batch, counters, plan, keyed), context.ParallelBlockOptions());
    }

    private static Plan Compile(DesensitizeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        DesensitizeOptions o = options.Validated();
        var keep = new HashSet<string>(o.KeepFields, StringComparer.Ordinal);
        var root = new FieldNode();
        IEnumerable<string> fields = o.Profile == DesensitizeProfile.Strict
            ? DesensitizeOptions.DefaultFields.Concat(DesensitizeOptions.StrictFields)
            : DesensitizeOptions.DefaultFields;
        foreach (string path in fields.Concat(o.DropFields))
        {
            if (!keep.Contains(path))
            {
                root.At(FieldPath.Parse(path)).Drop = true;
            }
        }

        root.At(FieldPath.Parse("event.user")).Pseudonymize = true;
        // Any key of IdentifierFields (user covers username, user_id, target_username; name\" covers full_name and
        // a form's name) nulls an undecodable string event: it cannot be walked to pseudonymize or drop that key.
        var hidden = new List<byte[]>
        {
            "user"u8.ToArray(), "student"u8.ToArray(), "instructor"u8.ToArray(), "author"u8.ToArray(), "bookmark_id"u8.ToArray(),
            "mail"u8.ToArray(), "password"u8.ToArray(), "name\\\""u8.ToArray(), "setting"u8.ToArray(),
        };
        if (root.Find("event"u8) is { } eventNode)
        {
            foreach ((byte[] name, FieldNode child) in eventNode.Children)
            {
                if (child.Drop)
                {
                    hidden.Add(name);
                }
            }
        }

        return new Plan(o, root, [.. hidden], o.RemoveRedundant is not null && root.Find("context"u8) is not null);
    }

    private static EventBatch Process(EventBatch batch, StageCounters counters, Plan plan, IUsernameReplacer names)
    {
        bool[]? redundantFirst = null;
        long redundantEvents = 0;
        if (plan.Options.RemoveRedundant is { } redundant && !plan.FuseRedundant)
        {
            redundantFirst = System.Buffers.ArrayPool<bool>.Shared.Rent(batch.Count);
            redundantEvents = RemoveRedundantStage.RewriteBatch(batch, redundant.DropCourseUserTags, redundantFirst.AsSpan(0, batch.Count));
        }

        var walker = new Walker(plan, names);
        int changed = 0;
        for (int i = 0; i < batch.Count; i++)
        {
            if (walker.Rewrite(batch, i))
            {
                batch.SetUtf8(i, walker.Output);
                changed++;
            }
            else if (redundantFirst is not null && redundantFirst[i])
            {
                changed++;
            }
        }

        if (redundantFirst is not null)
        {
            System.Buffers.ArrayPool<bool>.Shared.Return(redundantFirst);
        }

        counters.Add(batch.Count, batch.Count, changed);
        counters.AddFact("pseudonymized", walker.Pseudonymized);
        counters.AddFact("dropped", walker.Dropped);
        counters.AddFact("scrubbed", walker.Scrubbed);
        counters.AddFact("decoded", walker.Decoded);
        counters.AddFact("redundant", walker.RedundantEvents + redundantEvents);
        counters.AddFact(DecodeBrowserEventStage.UndecodableFact, walker.Undecodable);
        counters.AddFact("event-nulled", walker.EventNulled);
        return batch;
    }

    /// <summary>What the stage does, compiled once.</summary>
    /// <param name="Options">The options.</param>
    /// <param name="Root">The field rules, as a tree.</param>
    /// <param name="HiddenInEventString">Names whose mention nulls an undecodable string event.</param>
    /// <param name="FuseRedundant">
    /// Remove-redundant is done inside the walk of the context. Only when the context has rules of its own, so the
    /// walk reads every context anyway; otherwise (every context field kept) the batch goes through
    /// <see cref="RemoveRedundantStage"/>'s rewrite first, which gives the same bytes as that stage before this one.
    /// </param>
    private sealed record Plan(DesensitizeOptions Options, FieldNode Root, byte[][] HiddenInEventString, bool FuseRedundant);

    /// <summary>A node of the tree of field paths the stage acts on.</summary>
    private sealed class FieldNode
    {
        public List<(byte[] Name, FieldNode Node)> Children { get; } = [];

        public bool Drop { get; set; }

        public bool Pseudonymize { get; set; }

        public FieldNode? Find(ReadOnlySpan<byte> name)
        {
            // Called for every member the walk reads: the length and first byte rule out most names without a call.
            foreach ((byte[] n, FieldNode node) in Children)
            {
                if (n.Length == name.Length && (n.Length == 0 || n[0] == name[0]) && name.SequenceEqual(n))
                {
                    return node;
                }
            }

            return null;
        }

        public FieldNode At(FieldPath path)
        {
            FieldNode node = this;
            foreach (string segment in path.Segments)
            {
                byte[] name = Encoding.UTF8.GetBytes(segment);
                FieldNode? next = node.Find(name);
                if (next is null)
                {
                    next = new FieldNode();
                    node.Children.Add((name, next));
                }

                node = next;
            }

            return node;
        }
    }

    /// <summary>
    /// Keyed pseudonyms with a cache shared by the stage's workers: usernames repeat endlessly and one HMAC costs
    /// more than the rest of an event's rewrite (measured: 140k events/s without the cache, see the commit).
    /// </summary>
    private sealed class KeyedNames : IUsernameReplacer
    {
        private const int MaxCached = 1 << 20;
        private readonly PseudonymKey _key;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]> _cache = new(StringComparer.Ordinal);
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public KeyedNames(PseudonymKey key)
        {
            _key = key;
            _lookup = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
        }

        public void AppendReplacement(ReadOnlySpan<byte> username, Utf8JsonBuilder output)
        {
            // Not valid UTF-8 (a lone surrogate kept apart as WTF-8): the char cache would merge it with U+FFFD.
            if (username.Length > 128 || !System.Text.Unicode.Utf8.IsValid(username))
            {
                Span<byte> direct = stackalloc byte[PseudonymKey.PseudonymLength];
                _key.Write(username, direct);
                output.Append(direct);
                return;
            }

            Span<char> chars = stackalloc char[128];
            int n = Encoding.UTF8.GetChars(username, chars);
            if (!_lookup.TryGetValue(chars[..n], out byte[]? pseudonym))
            {
                pseudonym = new byte[PseudonymKey.PseudonymLength];
                _key.Write(username, pseudonym);
                if (_cache.Count < MaxCached)
                {
                    _lookup.TryAdd(chars[..n], pseudonym);
                }
            }

            output.Append(pseudonym);
        }
    }

    /// <summary>First-seen tokens; used by the stage's single worker only.</summary>
    private sealed class SequentialNames : IUsernameReplacer
    {
        private readonly Dictionary<string, byte[]> _tokens = new(StringComparer.Ordinal);
        private readonly Dictionary<string, byte[]> _invalidTokens = new(StringComparer.Ordinal);
        private readonly Dictionary<string, byte[]>.AlternateLookup<ReadOnlySpan<char>> _lookup;

        public SequentialNames() => _lookup = _tokens.GetAlternateLookup<ReadOnlySpan<char>>();

        public void AppendReplacement(ReadOnlySpan<byte> username, Utf8JsonBuilder output)
        {
            if (!System.Text.Unicode.Utf8.IsValid(username))
            {
                // A lone surrogate kept apart as WTF-8: keyed by its bytes, apart from every valid name.
                string bytes = Convert.ToHexString(username);
                if (!_invalidTokens.TryGetValue(bytes, out byte[]? raw))
                {
                    raw = Token(_tokens.Count + _invalidTokens.Count);
                    _invalidTokens[bytes] = raw;
                }

                output.Append(raw);
                return;
            }

            char[] chars = System.Buffers.ArrayPool<char>.Shared.Rent(username.Length);
            try
            {
                ReadOnlySpan<char> name = chars.AsSpan(0, Encoding.UTF8.GetChars(username, chars));
                if (!_lookup.TryGetValue(name, out byte[]? token))
                {
                    token = Token(_tokens.Count + _invalidTokens.Count);
                    _lookup[name] = token;
                }

                output.Append(token);
            }
            finally
            {
                System.Buffers.ArrayPool<char>.Shared.Return(chars);
            }
        }

        /// <summary>The n-th token from 0: a ... z, aa ... az, ba ... zz, aaa ... (bijective base 26).</summary>
        internal static byte[] Token(long n)
        {
            Span<byte> buffer = stackalloc byte[16];
            int at = buffer.Length;
            long k = n + 1;
            while (k > 0)
            {
                k--;
                buffer[--at] = (byte)('a' + (int)(k % 26));
                k /= 26;
            }

            return buffer[at..].ToArray();
        }
    }
}
