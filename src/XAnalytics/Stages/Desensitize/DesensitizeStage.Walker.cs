using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;
using XAnalytics.Internal;

namespace XAnalytics.Stages.Desensitize;

/// <summary>The rewrite of one event: the walk over its fields.</summary>
public static partial class DesensitizeStage
{
    /// <summary>One event's rewrite; a walker lives for one batch on one thread.</summary>
    private sealed class Walker(Plan plan, IUsernameReplacer names)
    {
        private readonly bool _strict = plan.Options.Profile == DesensitizeProfile.Strict;
        private readonly RemoveRedundantOptions? _redundant = plan.FuseRedundant ? plan.Options.RemoveRedundant : null;
        private bool _redundantChanged;
        private byte[] _scratch = new byte[256];
        private byte[] _keyScratch = new byte[64];
        private bool _changed;

        public Utf8JsonBuilder Output { get; private set; } = Utf8JsonBuilder.ForThread(0);

        public long Pseudonymized { get; private set; }

        public long Dropped { get; private set; }

        public long Scrubbed { get; private set; }

        public long Decoded { get; private set; }

        public long Undecodable { get; private set; }

        public long EventNulled { get; private set; }

        /// <summary>Events whose context lost redundant members (remove-redundant done in the walk).</summary>
        public long RedundantEvents { get; private set; }

        public bool Rewrite(EventBatch batch, int index)
        {
            Output = Utf8JsonBuilder.ForThread(0);
            _changed = false;
            _redundantChanged = false;

            // From the parse stage's index: in the default profile a top-level value the plan does not name and
            // whose bytes cannot hold a username (no "user", no URL marker, no escape that could spell one) is
            // copied without being read. A pipeline of this stage alone over 1M generated events, 4 runs
            // alternating with the code before (which read every value), 2 cores: 5.0-5.9 s CPU instead of
            // 5.8-6.8 s (with PiiText's one-search pre-check).
            ReadOnlySpan<TopField> fields = batch.GetTopFields(index, out ReadOnlySpan<byte> json);
            int contextIndex = _redundant is null ? -1 : RemoveRedundantStage.ContextIndex(json, fields);
            Output.StartObject();
            for (int f = 0; f < fields.Length; f++)
            {
                ref readonly TopField field = ref fields[f];
                ReadOnlySpan<byte> quotedKey = json.Slice(field.KeyOffset - 1, field.KeyLength + 2);
                ReadOnlySpan<byte> name = quotedKey[1..^1];
                if (field.KeyEscaped)
                {
                    if (_keyScratch.Length < name.Length)
                    {
                        _keyScratch = new byte[name.Length];
                    }

                    name = _keyScratch.AsSpan(0, JsonBytes.Unescape(name, _keyScratch));
                }

                ReadOnlySpan<byte> raw = json.Slice(field.ValueOffset, field.ValueLength);
                FieldNode? contextNode = f == contextIndex && field.Kind == JsonTokenType.StartObject ? plan.Root.Find(name) : null;
                if (f == contextIndex && field.Kind == JsonTokenType.StartObject && contextNode is not { Drop: true })
                {
                    TopMemberMark mark = Output.MarkTopMember();
                    Output.PropertyRaw(quotedKey);
                    if (Context(raw, contextNode, json, fields, f))
                    {
                        Output.ResetTo(mark); // every member was redundant: the context goes, as remove-redundant drops it
                    }

                    continue;
                }

                Member(quotedKey, name, raw, plan.Root, isRoot: true);
            }

            Output.EndObject();
            RedundantEvents += _redundantChanged ? 1 : 0;
            if (_redundantChanged && !_changed)
            {
                // Only the redundant context went: remove-redundant alone would have written the event, with every
                // other value as it stands (the walk writes the values it reads compactly). Same bytes as that stage.
                RemoveRedundantStage.TryRewrite(json, fields, _redundant!.DropCourseUserTags, out Utf8JsonBuilder? alone);
                Output = alone!;
            }

            return _changed || _redundantChanged;
        }

        /// <summary>
        /// Writes one member whose value is known whole (<paramref name="raw"/>): dropped, copied as it stands, or
        /// read and rewritten. <paramref name="name"/> (unescaped) may live in the key scratch: it is read first.
        /// </summary>
        private void Member(ReadOnlySpan<byte> quotedKey, ReadOnlySpan<byte> name, ReadOnlySpan<byte> raw, FieldNode? parent, bool isRoot)
        {
            FieldNode? child = parent?.Find(name);
            if (child is { Drop: true })
            {
                Dropped++;
                _changed = true;
                return;
            }

            bool username = name.SequenceEqual("username"u8) || child?.Pseudonymize == true;
            bool isEvent = isRoot && name.SequenceEqual("event"u8);
            Output.PropertyRaw(quotedKey);
            WholeValue(raw, child, username, isEvent);
        }

        /// <summary>
        /// Writes a value known whole (<paramref name="raw"/>): as it stands when no rule applies and its bytes cannot
        /// hold a username (<see cref="MayHoldUsername"/>), else read and rewritten.
        /// </summary>
        private void WholeValue(ReadOnlySpan<byte> raw, FieldNode? node, bool username, bool isEvent)
        {
            if (!_strict && node is null && !username && !MayHoldUsername(raw))
            {
                Output.ValueRaw(raw);
                return;
            }

            var reader = new Utf8JsonReader(raw, JsonBytes.ReaderOptions);
            reader.Read();
            if (isEvent && reader.TokenType == JsonTokenType.String)
            {
                EventString(ref reader, raw, node);
            }
            else
            {
                Value(ref reader, raw, node, username);
            }
        }

        /// <summary>
        /// The context, with <see cref="RemoveRedundantStage"/>'s rule applied to each member before this stage's
        /// own: one read of the context does both. True when the context had members and all were redundant.
        /// </summary>
        private bool Context(ReadOnlySpan<byte> json, FieldNode? node, ReadOnlySpan<byte> line, ReadOnlySpan<TopField> top, int contextIndex)
        {
            var r = new Utf8JsonReader(json, JsonBytes.ReaderOptions);
            r.Read();
            Output.StartObject();
            int count = 0;
            int redundant = 0;
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                count++;
                ReadOnlySpan<byte> quotedKey = JsonBytes.RawToken(ref r, json);
                ReadOnlySpan<byte> name = JsonBytes.Unescaped(ref r, ref _keyScratch);
                r.Read();
                JsonTokenType kind = r.TokenType;
                bool escaped = r.ValueIsEscaped;
                ReadOnlySpan<byte> raw = JsonBytes.RawValue(ref r, json);
                if (RemoveRedundantStage.IsRedundant(name, kind, escaped, raw, _redundant!.DropCourseUserTags, line, top, contextIndex))
                {
                    redundant++;
                    _redundantChanged = true;
                    continue;
                }

                Member(quotedKey, name, raw, node, isRoot: false);
            }

            Output.EndObject();
            return count > 0 && redundant == count;
        }

        /// <summary>
        /// False when <paramref name="raw"/> (a value's JSON) can hold no key named <c>username</c> and no URL
        /// username: it has no <c>user</c>, and no <c>/u/</c> or <c>/accounts/</c>, and no backslash (an escape
        /// could spell any of them).
        /// </summary>
        private static bool MayHoldUsername(ReadOnlySpan<byte> raw)
            => raw.IndexOf("user"u8) >= 0
                || (raw.IndexOfAny((byte)'/', (byte)'\\') >= 0
                    && (raw.Contains((byte)'\\') || raw.IndexOf("/u/"u8) >= 0 || raw.IndexOf("/accounts/"u8) >= 0));

        private void Object(ref Utf8JsonReader r, ReadOnlySpan<byte> json, FieldNode? node)
        {
            Output.StartObject();
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                ReadOnlySpan<byte> rawKey = JsonBytes.RawToken(ref r, json);
                ReadOnlySpan<byte> name = JsonBytes.Unescaped(ref r, ref _keyScratch);
                FieldNode? child = node?.Find(name);
                bool username = name.SequenceEqual("username"u8) || child?.Pseudonymize == true;
                r.Read();
                if (child is { Drop: true })
                {
                    r.Skip();
                    Dropped++;
                    _changed = true;
                    continue;
                }

                Output.PropertyRaw(rawKey);
                if (!_strict && child is null && !username && r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // An object or array with no rule: skipped over and handled whole. Writing token by token is what
                    // a walk costs most; a course module or a problem's correct_map rarely needs it.
                    WholeValue(JsonBytes.RawValue(ref r, json), null, username: false, isEvent: false);
                }
                else
                {
                    Value(ref r, json, child, username);
                }
            }

            Output.EndObject();
        }

        private void Value(ref Utf8JsonReader r, ReadOnlySpan<byte> json, FieldNode? node, bool username)
        {
            switch (r.TokenType)
            {
                case JsonTokenType.StartObject:
                    Object(ref r, json, node);
                    break;
                case JsonTokenType.StartArray:
                    Output.StartArray();
                    while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                    {
                        Value(ref r, json, null, username);
                    }

                    Output.EndArray();
                    break;
                case JsonTokenType.String:
                    StringValue(ref r, json, username);
                    break;
                default:
                    Output.ValueRaw(JsonBytes.RawToken(ref r, json));
                    break;
            }
        }

        private void StringValue(ref Utf8JsonReader r, ReadOnlySpan<byte> json, bool username)
        {
            ReadOnlySpan<byte> raw = JsonBytes.RawToken(ref r, json);
            if (r.ValueSpan.IsEmpty)
            {
                Output.ValueRaw(raw);
                return;
            }

            ReadOnlySpan<byte> text = JsonBytes.Unescaped(ref r, ref _scratch);
            if (username)
            {
                Utf8JsonBuilder pseudonym = Utf8JsonBuilder.ForThread(1);
                names.AppendReplacement(text, pseudonym);
                Output.StringValue(pseudonym.Written);
                Pseudonymized++;
                _changed = true;
                return;
            }

            bool any = false;
            Utf8JsonBuilder urls = Utf8JsonBuilder.ForThread(2);
            if (PiiText.ReplaceUrlUsernames(text, urls, names))
            {
                text = urls.Written;
                Pseudonymized++;
                any = true;
            }

            Utf8JsonBuilder contacts = Utf8JsonBuilder.ForThread(3);
            if (_strict && PiiText.ReplaceContacts(text, contacts))
            {
                text = contacts.Written;
                Scrubbed++;
                any = true;
            }

            if (any)
            {
                Output.StringValue(text);
                _changed = true;
            }
            else
            {
                Output.ValueRaw(raw);
            }
        }

        private void EventString(ref Utf8JsonReader r, ReadOnlySpan<byte> json, FieldNode? eventNode)
        {
            ReadOnlySpan<byte> raw = JsonBytes.RawToken(ref r, json);
            if (r.ValueSpan.IsEmpty)
            {
                Output.ValueRaw(raw);
                return;
            }

            if (DecodeBrowserEventStage.TryDecode(raw, 4, out ReadOnlySpan<byte> decoded))
            {
                // The decoded text lives in the decoder's per-thread scratch; nothing below decodes again.
                var inner = new Utf8JsonReader(decoded, JsonBytes.ReaderOptions);
                inner.Read();
                Value(ref inner, decoded, eventNode, username: false);
                Decoded++;
                _changed = true;
                return;
            }

            Undecodable++;
            if (_strict || MentionsHidden(raw))
            {
                Output.Null();
                EventNulled++;
                _changed = true;
                return;
            }

            StringValue(ref r, json, username: false);
        }

        private bool MentionsHidden(ReadOnlySpan<byte> raw)
        {
            foreach (byte[] name in plan.HiddenInEventString)
            {
                if (raw.IndexOf(name) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
