//! Permission letters. The same letter means different things per SAS kind and service
//! (`p` is *process* on queues, *set permissions* on Data Lake paths), so decoding is always
//! done against a context. Names are DESIGN.md §4's.

use crate::error::SasError;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    Read,
    Add,
    Create,
    Write,
    Delete,
    DeleteVersion,
    PermanentDelete,
    List,
    Tag,
    Filter,
    Move,
    Execute,
    SetOwner,
    SetPermissions,
    SetImmutability,
    Update,
    Process,
}

/// Risk classes of DESIGN.md §4.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermClass {
    Read,
    Write,
    Delete,
}

impl Permission {
    pub fn name(self) -> &'static str {
        match self {
            Permission::Read => "read",
            Permission::Add => "add",
            Permission::Create => "create",
            Permission::Write => "write",
            Permission::Delete => "delete",
            Permission::DeleteVersion => "delete_version",
            Permission::PermanentDelete => "permanent_delete",
            Permission::List => "list",
            Permission::Tag => "tag",
            Permission::Filter => "filter",
            Permission::Move => "move",
            Permission::Execute => "execute",
            Permission::SetOwner => "set_owner",
            Permission::SetPermissions => "set_permissions",
            Permission::SetImmutability => "set_immutability",
            Permission::Update => "update",
            Permission::Process => "process",
        }
    }

    pub fn class(self) -> PermClass {
        use Permission::*;
        match self {
            Read | List | Filter | Execute => PermClass::Read,
            Add | Create | Write | Update | Move | Tag | SetImmutability | SetOwner
            | SetPermissions => PermClass::Write,
            Delete | DeleteVersion | PermanentDelete | Process => PermClass::Delete,
        }
    }
}

/// What the letters are decoded against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermContext {
    Account,
    Blob,
    File,
    Queue,
    Table,
}

impl PermContext {
    pub fn describe(self) -> &'static str {
        match self {
            PermContext::Account => "an account SAS",
            PermContext::Blob => "a blob/Data Lake service SAS",
            PermContext::File => "a file service SAS",
            PermContext::Queue => "a queue service SAS",
            PermContext::Table => "a table service SAS",
        }
    }
}

fn letter(ctx: PermContext, c: char) -> Option<Permission> {
    use Permission::*;
    Some(match (ctx, c) {
        (_, 'r') => Read,
        // Account SAS (letters added over versions: x, y, t, f in 2019-10-10/2019-12-12, i in 2020-06-12).
        (PermContext::Account, 'w') => Write,
        (PermContext::Account, 'd') => Delete,
        (PermContext::Account, 'x') => DeleteVersion,
        (PermContext::Account, 'y') => PermanentDelete,
        (PermContext::Account, 'l') => List,
        (PermContext::Account, 'a') => Add,
        (PermContext::Account, 'c') => Create,
        (PermContext::Account, 'u') => Update,
        (PermContext::Account, 'p') => Process,
        (PermContext::Account, 't') => Tag,
        (PermContext::Account, 'f') => Filter,
        (PermContext::Account, 'i') => SetImmutability,
        // Blob and Data Lake (m, e, o, p since 2020-02-10 for hierarchical namespaces).
        (PermContext::Blob, 'a') => Add,
        (PermContext::Blob, 'c') => Create,
        (PermContext::Blob, 'w') => Write,
        (PermContext::Blob, 'd') => Delete,
        (PermContext::Blob, 'x') => DeleteVersion,
        (PermContext::Blob, 'y') => PermanentDelete,
        (PermContext::Blob, 'l') => List,
        (PermContext::Blob, 't') => Tag,
        (PermContext::Blob, 'f') => Filter,
        (PermContext::Blob, 'm') => Move,
        (PermContext::Blob, 'e') => Execute,
        (PermContext::Blob, 'o') => SetOwner,
        (PermContext::Blob, 'p') => SetPermissions,
        (PermContext::Blob, 'i') => SetImmutability,
        (PermContext::File, 'c') => Create,
        (PermContext::File, 'w') => Write,
        (PermContext::File, 'd') => Delete,
        (PermContext::File, 'l') => List,
        (PermContext::Queue, 'a') => Add,
        (PermContext::Queue, 'u') => Update,
        (PermContext::Queue, 'p') => Process,
        (PermContext::Table, 'a') => Add,
        (PermContext::Table, 'u') => Update,
        (PermContext::Table, 'd') => Delete,
        _ => return None,
    })
}

/// Decodes `sp` in the order given; repeated letters are reported once.
pub fn decode(sp: &str, ctx: PermContext) -> Result<Vec<Permission>, SasError> {
    let mut out = Vec::new();
    for c in sp.chars() {
        let p = letter(ctx, c).ok_or(SasError::UnknownPermission {
            letter: c,
            context: ctx.describe(),
        })?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_letter_differs_by_context() {
        assert_eq!(
            decode("p", PermContext::Queue).unwrap(),
            vec![Permission::Process]
        );
        assert_eq!(
            decode("p", PermContext::Blob).unwrap(),
            vec![Permission::SetPermissions]
        );
        assert!(matches!(
            decode("rz", PermContext::File),
            Err(SasError::UnknownPermission { letter: 'z', .. })
        ));
        assert!(decode("a", PermContext::File).is_err());
    }
}
