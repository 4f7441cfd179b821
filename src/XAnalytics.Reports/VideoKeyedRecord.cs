using System.Runtime.InteropServices;

namespace XAnalytics.Reports;

/// <summary>
/// A <see cref="VideoEventRecord"/> with its video (course and module hash), as <see cref="VideoPartial"/> holds it
/// before the end of the run and <see cref="BucketSpill{T}"/> writes it to the scratch folder (64 bytes, read back by the
/// same process only, so its layout is the runtime's own).
/// </summary>
[StructLayout(LayoutKind.Auto)]
internal readonly record struct VideoKeyedRecord(VideoEventRecord Event, int Course, ulong Module);
