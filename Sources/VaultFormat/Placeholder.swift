public enum VaultFormatPlaceholder {}
