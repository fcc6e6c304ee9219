//! The input constraints a version's spec declares: one keyword on one input of one operation
//! (`required`, `type` with its `format`, `minimum`, `maximum`, `minLength`, `maxLength`,
//! `pattern`, `enum`, `minItems`, `maxItems`, `uniqueItems`), on its parameters (path, query and
//! header, `X-Client-Version` aside: it is the client's own) and on the properties of its JSON
//! body at every depth, objects inside arrays included (an array's items are reached through
//! its first item, `[0]`).
//!
//! This is the census coverage counts against. What is not an input is not counted: `readOnly`
//! properties, members of a dictionary (`additionalProperties`), and a recursive schema below its
//! first appearance on a path. A JSON-valued parameter (`filter`, `sort`, `select`) counts once,
//! as its `type`: the text must be JSON of the declared shape.

use super::catalogue::{BodyKind, Location, Operation, Operations};
use super::schema::{Keyword, SchemaId, Schemas, Step, View, dotted};
use std::fmt;
use std::sync::{Arc, OnceLock};

/// An input of an operation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Input {
    Parameter {
        location: Location,
        name: Arc<str>,
        /// The constraint is on each item of an array parameter.
        item: bool,
    },
    /// A property of the JSON body, by its path from the body's root.
    Property(Arc<[Step]>),
}

impl Input {
    /// Whether a body property (named by `propertyName`) rather than a parameter.
    pub fn is_property(&self) -> bool {
        matches!(self, Input::Property(_))
    }

    /// The name an error must carry: a parameter's name, or the property's full dotted path.
    pub fn field(&self) -> String {
        match self {
            Input::Parameter { name, .. } => name.to_string(),
            Input::Property(path) => dotted(path),
        }
    }
}

impl fmt::Display for Input {
    /// `query limit`, `query expand[]`, `body organizationInput.name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Input::Parameter {
                location,
                name,
                item,
            } => write!(
                f,
                "{} {name}{}",
                location.as_str(),
                if *item { "[]" } else { "" }
            ),
            Input::Property(path) => write!(f, "body {}", dotted(path)),
        }
    }
}

/// One declared constraint.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Constraint {
    pub input: Input,
    pub keyword: Keyword,
    /// The schema that declares it (for `required`: the property's own schema).
    pub schema: Option<SchemaId>,
}

impl fmt::Display for Constraint {
    /// `query limit: maximum`
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.input, self.keyword)
    }
}

impl Operations {
    /// The declared input constraints of every operation, in catalogue order, counted when first
    /// asked for. Kept per version, not in the catalogue: the catalogue is below the census and
    /// does not name it, and there is one catalogue per version (`Contract::catalogue`).
    pub fn constraints(&self) -> &'static [Vec<Constraint>] {
        const VERSIONS: usize = super::ApiVersion::ALL.len();
        static CENSUS: [OnceLock<Vec<Vec<Constraint>>>; VERSIONS] =
            [const { OnceLock::new() }; VERSIONS];
        CENSUS[self.version().index()].get_or_init(|| {
            self.all()
                .iter()
                .map(|op| of_operation(op, self.schemas()))
                .collect()
        })
    }
}

/// Every constraint an operation declares, parameters in declaration order, then the body
/// depth first.
pub fn of_operation(op: &Operation, schemas: &Schemas) -> Vec<Constraint> {
    let mut found = Vec::new();
    for parameter in &op.parameters {
        if parameter.is_client_version() {
            continue;
        }
        let input = |item: bool| Input::Parameter {
            location: parameter.location,
            name: Arc::from(parameter.name.as_str()),
            item,
        };
        if parameter.required {
            found.push(Constraint {
                input: input(false),
                keyword: Keyword::Required,
                schema: parameter.schema,
            });
        }
        if parameter.json {
            found.push(Constraint {
                input: input(false),
                keyword: Keyword::Type,
                schema: parameter.schema,
            });
            continue;
        }
        let Some(id) = parameter.schema else {
            continue;
        };
        let view = schemas.view(id);
        keywords(view, &mut |keyword| {
            found.push(Constraint {
                input: input(false),
                keyword,
                schema: Some(id),
            })
        });
        if let Some(items) = view.schema.items {
            keywords(schemas.view(items), &mut |keyword| {
                found.push(Constraint {
                    input: input(true),
                    keyword,
                    schema: Some(items),
                })
            });
        }
    }
    if let Some(body) = op.body.as_ref().filter(|b| is_json(b.kind)) {
        let mut walk = BodyWalk {
            schemas,
            path: Vec::new(),
            stack: Vec::new(),
            found: &mut found,
        };
        walk.visit(body.schema);
    }
    found
}

fn is_json(kind: BodyKind) -> bool {
    matches!(kind, BodyKind::Json | BodyKind::JsonPatch)
}

/// The keywords a schema itself declares (not those of its items or properties).
fn keywords(view: View, out: &mut impl FnMut(Keyword)) {
    let s = view.schema;
    if s.ty.is_some() || s.format.is_some() || view.dangling.is_some() {
        out(Keyword::Type);
    }
    let declared = [
        (s.minimum.is_some(), Keyword::Minimum),
        (s.maximum.is_some(), Keyword::Maximum),
        (s.min_length.is_some(), Keyword::MinLength),
        (s.max_length.is_some(), Keyword::MaxLength),
        (s.pattern.is_some(), Keyword::Pattern),
        (s.enumeration.is_some(), Keyword::Enum),
        (s.min_items.is_some(), Keyword::MinItems),
        (s.max_items.is_some(), Keyword::MaxItems),
        (s.unique_items, Keyword::UniqueItems),
    ];
    for (present, keyword) in declared {
        if present {
            out(keyword);
        }
    }
}

struct BodyWalk<'a> {
    schemas: &'a Schemas,
    path: Vec<Step>,
    /// The named schemas on the way here: a recursive one is not entered again.
    stack: Vec<SchemaId>,
    found: &'a mut Vec<Constraint>,
}

impl BodyWalk<'_> {
    fn input(&self) -> Input {
        Input::Property(Arc::from(self.path.as_slice()))
    }

    fn visit(&mut self, id: SchemaId) {
        let view = self.schemas.view(id);
        if view.read_only {
            return;
        }
        // The root is the body itself: its type is the body's syntax, which other sweeps break.
        if !self.path.is_empty() {
            let input = self.input();
            keywords(view, &mut |keyword| {
                self.found.push(Constraint {
                    input: input.clone(),
                    keyword,
                    schema: Some(id),
                })
            });
        }
        if view.name.is_some() {
            if self.stack.contains(&view.id) {
                return;
            }
            self.stack.push(view.id);
        }
        if let Some(items) = view.schema.items {
            self.path.push(Step::Index(0));
            self.visit(items);
            self.path.pop();
        }
        for (name, property) in &view.schema.properties {
            if self.schemas.view(*property).read_only {
                continue;
            }
            self.path.push(Step::Property(name.clone()));
            if view.schema.is_required(name) {
                self.found.push(Constraint {
                    input: self.input(),
                    keyword: Keyword::Required,
                    schema: Some(*property),
                });
            }
            self.visit(*property);
            self.path.pop();
        }
        if view.name.is_some() {
            self.stack.pop();
        }
    }
}
