using System.Diagnostics.CodeAnalysis;

namespace XAnalytics.Settings;

/// <summary>
/// Loaded settings with a stack of overrides on top, for tests and tools that embed the engine and need to
/// change a few keys for a while. A pushed value wins over every loaded source, the latest push winning; its
/// <see cref="SettingEntry.Source"/> is <see cref="SettingSources.Override"/>.
/// </summary>
/// <remarks>
/// Thread-safe: <see cref="Push(IReadOnlyDictionary{string, string})"/> and <see cref="Pop"/> serialize on a lock and
/// publish a new immutable <see cref="XAnalyticsSettings"/>; <see cref="Current"/> reads it without locking. Code
/// that must see one consistent view reads <see cref="Current"/> once and keeps the object.
/// </remarks>
/// <example>
/// <code>
/// var stack = new SettingsStack(SettingsLoader.LoadFromMachine());
/// using (stack.Push(SettingKeys.OutputDir, tempDir))
/// {
///     RunEngine(stack.Current);
/// }
/// </code>
/// </example>
[SuppressMessage("Naming", "CA1711:Identifiers should not have incorrect suffix", Justification = "It is a stack of override layers (Push/Pop), the name the issue asks for.")]
public sealed class SettingsStack
{
    private readonly XAnalyticsSettings _baseSettings;
    private readonly List<Layer> _layers = [];
    private readonly Lock _lock = new();
    private volatile XAnalyticsSettings _current;

    /// <summary>Creates a stack with no overrides over <paramref name="baseSettings"/>.</summary>
    /// <param name="baseSettings">The loaded settings the overrides apply to.</param>
    public SettingsStack(XAnalyticsSettings baseSettings)
    {
        ArgumentNullException.ThrowIfNull(baseSettings);
        _baseSettings = baseSettings;
        _current = baseSettings;
    }

    /// <summary>The loaded settings with every pushed override applied.</summary>
    public XAnalyticsSettings Current => _current;

    /// <summary>The number of override layers currently pushed.</summary>
    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _layers.Count;
            }
        }
    }

    /// <summary>
    /// Pushes a layer of overrides. A <see langword="null"/> or empty value removes the key, so the key reads as
    /// unset (or its default) until the layer is popped.
    /// </summary>
    /// <param name="overrides">Keys and values to override.</param>
    /// <returns>
    /// A scope whose <see cref="IDisposable.Dispose"/> removes this layer (wherever it is in the stack, so scopes
    /// disposed out of order still leave the other layers intact). Disposing twice, or after <see cref="Pop"/>
    /// removed the layer, does nothing.
    /// </returns>
    /// <exception cref="SettingsException">A value has the wrong type or names an unset environment variable; nothing is pushed.</exception>
    public IDisposable Push(IReadOnlyDictionary<string, string?> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var settings = new List<RawSetting>(overrides.Count);
        foreach (KeyValuePair<string, string?> pair in overrides)
        {
            ArgumentException.ThrowIfNullOrEmpty(pair.Key, nameof(overrides));
            settings.Add(new RawSetting(pair.Key, pair.Value, SettingSources.Override, Line: 0, Column: 0));
        }

        var layer = new Layer(this, settings);
        lock (_lock)
        {
            _layers.Add(layer);
            try
            {
                Rebuild();
            }
            catch
            {
                _layers.RemoveAt(_layers.Count - 1);
                throw;
            }
        }

        return layer;
    }

    /// <summary>Pushes a layer overriding one key. See <see cref="Push(IReadOnlyDictionary{string, string})"/>.</summary>
    /// <param name="key">The key to override.</param>
    /// <param name="value">The value; <see langword="null"/> or empty removes the key.</param>
    /// <returns>A scope whose disposal removes the layer.</returns>
    /// <exception cref="SettingsException">The value has the wrong type or names an unset environment variable; nothing is pushed.</exception>
    public IDisposable Push(string key, string? value) =>
        Push(new Dictionary<string, string?>(StringComparer.Ordinal) { [key] = value });

    /// <summary>Removes the most recently pushed layer that is still on the stack.</summary>
    /// <exception cref="InvalidOperationException">No layer is pushed.</exception>
    public void Pop()
    {
        lock (_lock)
        {
            if (_layers.Count == 0)
            {
                throw new InvalidOperationException("The settings stack has no override to pop.");
            }

            _layers.RemoveAt(_layers.Count - 1);
            Rebuild();
        }
    }

    private void Remove(Layer layer)
    {
        lock (_lock)
        {
            if (_layers.Remove(layer))
            {
                Rebuild();
            }
        }
    }

    // Called under _lock. Every value was validated when its layer was pushed (the newest layer always wins), so
    // removing a layer exposes only values that were once valid; only a path naming an environment variable
    // that has since been unset (with the real environment) can make Pop throw.
    private void Rebuild()
    {
        if (_layers.Count == 0)
        {
            _current = _baseSettings;
            return;
        }

        var combined = new List<RawSetting>();
        foreach (Layer layer in _layers)
        {
            combined.AddRange(layer.Settings);
        }

        _current = _baseSettings.WithLayer(combined);
    }

    private sealed class Layer(SettingsStack owner, List<RawSetting> settings) : IDisposable
    {
        public List<RawSetting> Settings { get; } = settings;

        public void Dispose() => owner.Remove(this);
    }
}
