using System.Text.Json;
using XAnalytics.Events;
using XAnalytics.Formats;
using XAnalytics.Formats.Json;
using XAnalytics.Internal;
using Kind = XAnalytics.Stages.Desensitize.IdentifierFields.Kind;

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
        private byte[] _settingScratch = new byte[64];
        private bool _changed;
        private bool _inForm;

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
            Kind kind = KindOf(name, child);
            if (kind == Kind.Drop)
            {
                Dropped++;
                _changed = true;
                return;
            }

            bool isEvent = isRoot && name.SequenceEqual("event"u8);
            Output.PropertyRaw(quotedKey);
            WholeValue(raw, child, kind == Kind.SettingValue ? Kind.None : kind, isEvent); // settings changes live in the payload only
        }

        /// <summary>What the plan (<paramref name="child"/>) or edX's catalogue (<see cref="IdentifierFields"/>) says of a key.</summary>
        private Kind KindOf(ReadOnlySpan<byte> name, FieldNode? child)
        {
            if (child is { Drop: true })
            {
                return Kind.Drop;
            }

            if (child?.Pseudonymize == true)
            {
                return Kind.Username;
            }

            return _inForm ? IdentifierFields.ClassifyInForm(name) : IdentifierFields.Classify(name);
        }

        /// <summary>
        /// Writes a value known whole (<paramref name="raw"/>): as it stands when no rule applies and its bytes cannot
        /// hold a username (<see cref="MayHoldIdentifier"/>), else read and rewritten.
        /// </summary>
        private void WholeValue(ReadOnlySpan<byte> raw, FieldNode? node, Kind kind, bool isEvent)
        {
            if (!_strict && !_inForm && node is null && kind == Kind.None && !MayHoldIdentifier(raw, isEvent))
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
                Value(ref reader, raw, node, kind);
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
        /// How <c>old</c> / <c>new</c> of the object starting at <paramref name="objectStart"/> are treated: after its
        /// <c>setting</c> member, wherever that stands (<c>edx.user.settings.changed</c>).
        /// </summary>
        private Kind SettingValueKind(ReadOnlySpan<byte> json, int objectStart)
        {
            var r = new Utf8JsonReader(json[objectStart..], JsonBytes.ReaderOptions);
            r.Read();
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                bool isSetting = JsonBytes.TextEquals(in r, "setting"u8);
                r.Read();
                if (isSetting && r.TokenType == JsonTokenType.String)
                {
                    return IdentifierFields.SettingValueKind(JsonBytes.Unescaped(ref r, ref _settingScratch), hasSetting: true);
                }

                r.Skip();
            }

            return IdentifierFields.SettingValueKind([], hasSetting: false);
        }

        private void Object(ref Utf8JsonReader r, ReadOnlySpan<byte> json, FieldNode? node)
        {
            int objectStart = (int)r.TokenStartIndex;
            Kind settingValues = (Kind)255; // not looked up yet
            Output.StartObject();
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                ReadOnlySpan<byte> rawKey = JsonBytes.RawToken(ref r, json);
                ReadOnlySpan<byte> name = JsonBytes.Unescaped(ref r, ref _keyScratch);
                FieldNode? child = node?.Find(name);
                Kind kind = KindOf(name, child);
                r.Read();
                if (kind == Kind.SettingValue)
                {
                    if (settingValues == (Kind)255)
                    {
                        settingValues = SettingValueKind(json, objectStart);
                    }

                    kind = settingValues;
                }

                if (kind == Kind.Drop)
                {
                    r.Skip();
                    Dropped++;
                    _changed = true;
                    continue;
                }

                Output.PropertyRaw(rawKey);
                if (!_strict && child is null && kind == Kind.None && r.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    // An object or array with no rule: skipped over and handled whole. Writing token by token is what
                    // a walk costs most; a course module or a problem's correct_map rarely needs it.
                    WholeValue(JsonBytes.RawValue(ref r, json), null, Kind.None, isEvent: false);
                }
                else
                {
                    Value(ref r, json, child, kind);
                }
            }

            Output.EndObject();
        }

        private void Value(ref Utf8JsonReader r, ReadOnlySpan<byte> json, FieldNode? node, Kind kind)
        {
            if (kind == Kind.Form)
            {
                // GET, POST, traits: what a learner typed about themselves (name, e-mail, password) goes too.
                bool outer = _inForm;
                _inForm = true;
                Value(ref r, json, node, Kind.None);
                _inForm = outer;
                return;
            }

            switch (r.TokenType)
            {
                case JsonTokenType.StartObject:
                    Object(ref r, json, node);
                    break;
                case JsonTokenType.StartArray:
                    Output.StartArray();
                    while (r.Read() && r.TokenType != JsonTokenType.EndArray)
                    {
                        Value(ref r, json, null, kind);
                    }

                    Output.EndArray();
                    break;
                case JsonTokenType.String:
                    StringValue(ref r, json, kind);
                    break;
                case JsonTokenType.Number when kind == Kind.UserId:
                    WritePseudonym(JsonBytes.RawToken(ref r, json), kind);
                    break;
                default:
                    Output.ValueRaw(JsonBytes.RawToken(ref r, json));
                    break;
            }
        }

        private void StringValue(ref Utf8JsonReader r, ReadOnlySpan<byte> json, Kind kind)
        {
            ReadOnlySpan<byte> raw = JsonBytes.RawToken(ref r, json);
            if (r.ValueSpan.IsEmpty)
            {
                Output.ValueRaw(raw);
                return;
            }

            if (kind is Kind.Username or Kind.UserId or Kind.BookmarkId)
            {
                // Lone surrogates kept apart (as WTF-8): \ud800 and \udc00 must not both hash as U+FFFD.
                WritePseudonym(JsonBytes.Unescaped(ref r, ref _scratch, loneSurrogatesAsWtf8: kind != Kind.BookmarkId), kind);
                return;
            }

            ReadOnlySpan<byte> text = JsonBytes.Unescaped(ref r, ref _scratch);

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

        /// <summary>
        /// Writes the pseudonym of an identifier as a string: a username's, a user id's (of <c>id:</c> and its text,
        /// so no id shares a username's), or a bookmark id's username part followed by the rest.
        /// </summary>
        private void WritePseudonym(ReadOnlySpan<byte> text, Kind kind)
        {
            Utf8JsonBuilder pseudonym = Utf8JsonBuilder.ForThread(1);
            if (kind == Kind.UserId)
            {
                Utf8JsonBuilder id = Utf8JsonBuilder.ForThread(2);
                id.Append(IdentifierFields.UserIdPrefix);
                id.Append(text);
                names.AppendReplacement(id.Written, pseudonym);
            }
            else if (kind == Kind.BookmarkId && text.IndexOf((byte)',') is > 0 and int comma)
            {
                names.AppendReplacement(text[..comma], pseudonym);
                pseudonym.Append(text[comma..]);
            }
            else
            {
                names.AppendReplacement(text, pseudonym);
            }

            Output.StringValue(pseudonym.Written);
            Pseudonymized++;
            _changed = true;
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
                Value(ref inner, decoded, eventNode, Kind.None);
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

            StringValue(ref r, json, Kind.None);
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

    /// <summary>
    /// False when <paramref name="raw"/> (a value's JSON, with no rule of its own) can hold no key of
    /// <see cref="IdentifierFields"/> and no URL identifier: none of <see cref="IdentifierFields.Triggers"/>, no
    /// route of <see cref="PiiText.ReplaceUrlUsernames"/>, and no backslash (an escape could spell any of them).
    /// </summary>
    /// <remarks>
    /// Keys live in objects and arrays only: a string (but the top-level <c>event</c>, which may be a JSON payload
    /// to decode) is rewritten only by <see cref="PiiText.ReplaceUrlUsernames"/>, so it needs reading only when it
    /// holds a backslash or may hold a URL identifier (<see cref="PiiText.MayHoldUrlIdentifier"/>, whose first
    /// search for a '/' or '=' settles most strings); a number, true, false or null is never rewritten. The walk
    /// writes such values back as they stand, so the output is the same bytes. Searching every value for all the
    /// triggers was the largest cost of this stage: 17% of its CPU after the search was moved to Teddy (perf,
    /// 1M events).
    /// </remarks>
    internal static bool MayHoldIdentifier(ReadOnlySpan<byte> raw, bool isEvent)
    {
        byte first = raw.IsEmpty ? (byte)0 : raw[0];
        if (first == (byte)'"' && !isEvent)
        {
            return raw.IndexOf((byte)'\\') >= 0 || PiiText.MayHoldUrlIdentifier(raw);
        }

        return (first is (byte)'{' or (byte)'[' or (byte)'"') && s_mayHoldIdentifier.Contains(raw);
    }

    // The triggers, the URL markers (each holds a '/' or '=', or is a trigger) and a backslash, searched at once:
    // one IndexOf per needle (34 of them) cost desensitize a third of its lead over DuckDB.
    private static readonly Latin1Search s_mayHoldIdentifier = new([.. IdentifierFields.Triggers, .. PiiText.UrlMarkers, "\\"]);
}
