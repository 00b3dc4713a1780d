/// Value lists shared by the table generators, in the style of the real files (which were made
/// with Faker's en_US provider and a handful of fixed lists).
enum GeneratorVocabulary {
    static let firstNames = [
        "Aaron", "Adam", "Alan", "Albert", "Alexander", "Alexis", "Alice", "Alicia", "Allison", "Amanda",
        "Amber", "Amy", "Andrea", "Andrew", "Angela", "Anna", "Anthony", "Ashley", "Austin", "Barbara",
        "Benjamin", "Beth", "Betty", "Bradley", "Brandon", "Brenda", "Brian", "Brittany", "Bruce", "Bryan",
        "Caleb", "Carl", "Carlos", "Carol", "Caroline", "Catherine", "Chad", "Charles", "Chelsea", "Cheryl",
        "Christian", "Christina", "Christine", "Christopher", "Cindy", "Claire", "Cody", "Connor", "Courtney", "Craig",
        "Crystal", "Cynthia", "Dale", "Dana", "Daniel", "Danielle", "David", "Deborah", "Denise", "Dennis",
        "Derek", "Diana", "Diane", "Donald", "Donna", "Dorothy", "Douglas", "Dustin", "Dylan", "Edward",
        "Elizabeth", "Emily", "Emma", "Eric", "Erica", "Erin", "Ethan", "Evan", "Frank", "Gabriel",
        "Gary", "George", "Gina", "Grace", "Gregory", "Hannah", "Heather", "Helen", "Henry", "Holly",
        "Jacob", "James", "Jamie", "Janet", "Jason", "Jeffrey", "Jennifer", "Jeremy", "Jesse", "Jessica",
        "Joan", "John", "Jonathan", "Jordan", "Joseph", "Joshua", "Julia", "Julie", "Justin", "Karen",
        "Katherine", "Kathleen", "Keith", "Kelly", "Kenneth", "Kevin", "Kimberly", "Kyle", "Laura", "Lauren",
        "Linda", "Lisa", "Logan", "Lori", "Luis", "Madison", "Marcus", "Margaret", "Maria", "Mark",
        "Martha", "Mary", "Matthew", "Megan", "Melissa", "Michael", "Michelle", "Monica", "Nancy", "Natalie",
        "Nathan", "Nicholas", "Nicole", "Noah", "Olivia", "Pamela", "Patricia", "Patrick", "Paul", "Peter",
        "Philip", "Rachel", "Raymond", "Rebecca", "Richard", "Robert", "Roger", "Ronald", "Ryan", "Samantha",
        "Samuel", "Sandra", "Sara", "Sarah", "Scott", "Sean", "Sharon", "Shawn", "Stephanie", "Stephen",
        "Steven", "Susan", "Tammy", "Tara", "Teresa", "Thomas", "Tiffany", "Timothy", "Todd", "Tracy",
        "Travis", "Tyler", "Valerie", "Vanessa", "Victoria", "Vincent", "Walter", "Wayne", "William", "Zachary",
    ]

    static let lastNames = [
        "Adams", "Allen", "Alvarez", "Anderson", "Armstrong", "Bailey", "Baker", "Barnes", "Bell", "Bennett",
        "Black", "Boyd", "Bradley", "Brooks", "Brown", "Bryant", "Burke", "Butler", "Campbell", "Carlson",
        "Carter", "Castillo", "Chavez", "Clark", "Cole", "Coleman", "Collins", "Cook", "Cooper", "Cox",
        "Cruz", "Daniels", "Davis", "Diaz", "Dixon", "Douglas", "Duncan", "Edwards", "Elliott", "Evans",
        "Ferguson", "Fisher", "Flores", "Ford", "Foster", "Fox", "Freeman", "Garcia", "Gardner", "Garza",
        "Gibson", "Gomez", "Gonzalez", "Gordon", "Graham", "Grant", "Gray", "Green", "Griffin", "Hall",
        "Hamilton", "Hansen", "Harris", "Harrison", "Hart", "Hayes", "Henderson", "Henry", "Hernandez", "Hill",
        "Holmes", "Howard", "Hughes", "Hunt", "Jackson", "James", "Jenkins", "Johnson", "Jones", "Jordan",
        "Kelly", "Kennedy", "Kim", "King", "Knight", "Lee", "Lewis", "Long", "Lopez", "Marshall",
        "Martin", "Martinez", "Mason", "Matthews", "Mcdonald", "Meyer", "Miller", "Mills", "Mitchell", "Moore",
        "Morales", "Morgan", "Morris", "Murphy", "Murray", "Myers", "Nelson", "Nguyen", "Nichols", "Olson",
        "Ortiz", "Owens", "Palmer", "Parker", "Patel", "Patterson", "Perez", "Perry", "Peterson", "Phillips",
        "Porter", "Powell", "Price", "Ramirez", "Ramos", "Reed", "Reyes", "Reynolds", "Rice", "Richardson",
        "Rivera", "Roberts", "Robinson", "Rodriguez", "Rogers", "Ross", "Russell", "Sanchez", "Sanders", "Schmidt",
        "Scott", "Shaw", "Simmons", "Smith", "Snyder", "Spencer", "Stephens", "Stevens", "Stewart", "Stone",
        "Sullivan", "Taylor", "Thomas", "Thompson", "Torres", "Tucker", "Turner", "Wagner", "Walker", "Wallace",
        "Ward", "Warren", "Washington", "Watson", "Weaver", "Webb", "Wells", "West", "White", "Williams",
        "Wilson", "Wood", "Woods", "Wright", "Young",
    ]

    static let cityPrefixes = ["North", "East", "West", "South", "New", "Lake", "Port"]
    static let citySuffixes = [
        "town", "ton", "land", "ville", "berg", "burgh", "borough", "bury", "view", "port", "mouth", "stad",
        "furt", "chester", "fort", "haven", "side", "shire",
    ]
    static let emailDomains = ["example.org", "example.com", "example.net"]

    static let usStates = [
        "Arizona", "California", "Florida", "Georgia", "Illinois", "Indiana", "Maryland", "Massachusetts",
        "Michigan", "Missouri", "New Jersey", "New York", "North Carolina", "Ohio", "Pennsylvania", "Tennessee",
        "Texas", "Virginia", "Washington", "Wisconsin",
    ]
    static let canadianProvinces = [
        "Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland and Labrador", "Nova Scotia",
        "Ontario", "Prince Edward Island", "Quebec", "Saskatchewan",
    ]

    /// Share of USA among users, watch events and searches (about 70/30 with Canada).
    static let countries = ["USA", "Canada"]
    static let countryWeights = [0.705, 0.295]

    /// Devices of reviews, searches and recommendations.
    static let fourDevices = ["Mobile", "Smart TV", "Tablet", "Laptop"]
    /// Devices of watch events.
    static let fiveDevices = ["Smart TV", "Tablet", "Desktop", "Mobile", "Laptop"]
    /// Users' primary devices.
    static let sixDevices = ["Desktop", "Tablet", "Laptop", "Smart TV", "Gaming Console", "Mobile"]

    static let genres = [
        "Action", "Adventure", "Animation", "Biography", "Comedy", "Crime", "Documentary", "Drama", "Family",
        "Fantasy", "History", "Horror", "Music", "Mystery", "Romance", "Sci-Fi", "Sport", "Thriller", "War",
        "Western",
    ]
    static let titleOpeners = ["A", "An", "Big", "Bright", "Dark", "First", "Last", "Little", "My", "New", "Old", "Our", "The"]
    static let titleNouns = [
        "Adventure", "Battle", "City", "Day", "Dragon", "Dream", "Empire", "Family", "Fire", "Hero", "House",
        "Ice", "Journey", "King", "Kingdom", "Legend", "Love", "Mission", "Mystery", "Night", "Phoenix",
        "Princess", "Queen", "Quest", "Secret", "Storm", "Story", "War", "Warrior",
    ]

    static let positiveReviews = [
        "This series is a masterpiece!",
        "Outstanding direction and screenplay.",
        "Absolutely loved this movie. Great acting and storyline.",
        "One of the best series I've ever watched. Highly recommend!",
        "Amazing show! Couldn't stop watching.",
        "Perfect blend of drama and action.",
        "Brilliant performance by the cast. Must watch!",
        "Incredible story telling. Kept me engaged throughout.",
        "Fantastic cinematography and plot twists.",
        "This movie exceeded my expectations.",
    ]
    static let neutralReviews = [
        "It was okay. Nothing special.",
        "Mixed feelings about this one.",
        "Has its moments but overall average.",
        "Watchable but predictable.",
        "Average movie. Some good moments.",
        "Could have been better.",
        "Decent watch but forgettable.",
        "Okay for a one-time watch.",
        "It's fine for background watching.",
        "Not bad but not great either.",
    ]
    static let negativeReviews = [
        "Not worth the time. Very predictable.",
        "Slow paced and boring.",
        "Overhyped. Didn't live up to expectations.",
        "Confusing plot. Hard to follow.",
        "Waste of time. Poor character development.",
        "Poor acting and weak plot.",
        "Boring storyline, couldn't finish watching.",
        "Not my cup of tea. Too violent.",
        "Terrible script and direction.",
        "Disappointing. Expected much more.",
    ]

    /// Search queries; the last seven are asked about 40 % as often as the others.
    static let searchQueries = [
        "stand up comedy", "comedy shows", "sci-fi", "classic movies", "superhero movies",
        "travel documentaries", "new releases", "drama series", "horror movies", "family movies",
        "romantic comedies", "trending now", "thriller series", "netflix originals", "true crime",
        "cooking shows", "war movies", "christmas movies", "action movies", "documentaries", "biographies",
        "animated shows", "korean drama", "music documentaries", "halloween movies",
        "movies based on true stories", "short episodes under 30 minutes", "shows with strong female leads",
        "movies like stranger things", "best movies 2024", "award winning documentaries",
        "series with only one season",
    ]
}
